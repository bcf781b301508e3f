package dev.dspy4j.lm;

/**
 * A response body (as received, or once decompressed) was larger than the client's limit
 * ({@code maxResponseBytes} on the HTTP clients' builders). The transfer is stopped at the limit, so
 * a server that sends without end cannot exhaust memory. Not retried: the same request would most
 * likely get the same answer.
 */
public class ResponseTooLargeException extends LmException {
    private static final long serialVersionUID = 1L;

    /** The limit that was exceeded, in bytes. */
    private final long limit;

    /**
     * Creates the exception.
     *
     * @param message what was too large, for people
     * @param status  the HTTP status of the response, or 0
     * @param limit   the limit that was exceeded, in bytes
     * @param cause   the underlying failure, or null
     */
    public ResponseTooLargeException(String message, int status, long limit, Throwable cause) {
        super(message, status, null, cause);
        this.limit = limit;
    }

    /** {@return the limit that was exceeded, in bytes} */
    public long limit() {
        return limit;
    }
}
