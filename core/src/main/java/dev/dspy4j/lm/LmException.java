package dev.dspy4j.lm;

/**
 * An LM call that failed. Subclasses say why; {@link #status()} is the HTTP status, or 0 when no
 * response arrived. Messages carry the provider's message and never an API key.
 */
public class LmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public LmException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public LmException(String message) {
        this(message, 0, null);
    }

    /** The HTTP status, or 0. */
    public int status() {
        return status;
    }
}
