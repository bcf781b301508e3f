package dev.dspy4j.lm;

/**
 * An LM call that failed. Subclasses say why; {@link #status()} is the HTTP status, or 0 when no
 * response arrived; {@link #providerMessage()} is the provider's own error message, if it sent one.
 * Messages never carry an API key.
 */
public class LmException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status, or 0 when no response arrived. */
    private final int status;

    /** The provider's own error message, or null. */
    private final String providerMessage;

    /**
     * An LM call failure without a provider message.
     *
     * @param message what failed, for people (never holds an API key)
     * @param status  the HTTP status, or 0
     * @param cause   the cause, or null
     */
    public LmException(String message, int status, Throwable cause) {
        this(message, status, null, cause);
    }

    /**
     * An LM call failure.
     *
     * @param message         what failed, for people
     * @param status          the HTTP status, or 0
     * @param providerMessage the provider's error message, or null
     * @param cause           the cause, or null
     */
    public LmException(String message, int status, String providerMessage, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.providerMessage = providerMessage;
    }

    /**
     * An LM call failure with only a message (status 0, no provider message, no cause).
     *
     * @param message what failed, for people
     */
    public LmException(String message) {
        this(message, 0, null, null);
    }

    /** {@return the HTTP status, or 0 when no response arrived} */
    public int status() {
        return status;
    }

    /** {@return the provider's error message, or null if it sent none} */
    public String providerMessage() {
        return providerMessage;
    }
}
