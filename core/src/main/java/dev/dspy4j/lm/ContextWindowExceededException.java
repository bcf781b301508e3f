package dev.dspy4j.lm;

/** The prompt (plus the requested completion) does not fit the model's context window. Never retried. */
public class ContextWindowExceededException extends BadRequestException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message         what failed, for people (never holds an API key)
     * @param status          the HTTP status (usually 400)
     * @param providerMessage the provider's own error message, or null
     * @param cause           the underlying failure, or null
     */
    public ContextWindowExceededException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
