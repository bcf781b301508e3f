package dev.dspy4j.lm;

/** The provider failed (HTTP 5xx, or 409), after all retries. */
public class ServerException extends LmException {
    private static final long serialVersionUID = 1L;

    public ServerException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
