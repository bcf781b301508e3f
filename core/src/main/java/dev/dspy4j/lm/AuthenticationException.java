package dev.dspy4j.lm;

/** The provider rejected the credentials (HTTP 401) or denied access (HTTP 403). Never retried. */
public class AuthenticationException extends LmException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message         what failed, for people (never holds an API key)
     * @param status          the HTTP status (401 or 403)
     * @param providerMessage the provider's own error message, or null
     * @param cause           the underlying failure, or null
     */
    public AuthenticationException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
