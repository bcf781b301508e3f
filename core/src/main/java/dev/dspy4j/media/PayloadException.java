package dev.dspy4j.media;

/** A payload that cannot be read or is not what it claims to be; the message names the source. */
public final class PayloadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PayloadException(String message) {
        super(message);
    }

    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
