package dev.dspy4j.lm;

/** No complete response arrived within the per-request timeout (or the server answered 408), after all retries. */
public class LmTimeoutException extends LmException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message         what failed, for people (never holds an API key)
     * @param status          the HTTP status, or 0 when no response arrived in time
     * @param providerMessage the provider's own error message, or null
     * @param cause           the underlying failure, or null
     */
    public LmTimeoutException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
