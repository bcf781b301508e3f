package dev.dspy4j.lm;

/** No complete response arrived within the per-request timeout (or the server answered 408), after all retries. */
public class LmTimeoutException extends LmException {
    private static final long serialVersionUID = 1L;

    public LmTimeoutException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
