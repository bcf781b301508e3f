package dev.dspy4j.lm;

/** The provider failed (HTTP 5xx, or 409), after all retries. */
public class ServerException extends LmException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message         what failed, for people (never holds an API key)
     * @param status          the HTTP status (5xx or 409)
     * @param providerMessage the provider's own error message, or null
     * @param cause           the underlying failure, or null
     */
    public ServerException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
