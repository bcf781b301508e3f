package dev.dspy4j.lm;

/** The prompt (plus the requested completion) does not fit the model's context window. Never retried. */
public class ContextWindowExceededException extends BadRequestException {
    private static final long serialVersionUID = 1L;

    public ContextWindowExceededException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
