package dev.dspy4j.lm;

/** The provider rejected the credentials (HTTP 401) or denied access (HTTP 403). Never retried. */
public class AuthenticationException extends LmException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
