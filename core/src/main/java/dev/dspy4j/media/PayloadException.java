package dev.dspy4j.media;

/** A payload that cannot be read or is not what it claims to be; the message names the source. */
public final class PayloadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the source and what is accepted
     */
    public PayloadException(String message) {
        super(message);
    }

    /**
     * Creates the exception with the error that revealed it.
     *
     * @param message what is wrong, naming the source
     * @param cause the underlying error, e.g. an {@link java.io.IOException} from reading a file
     */
    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
