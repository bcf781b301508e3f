package dev.dspy4j.lm;

/** The provider rejected the request as invalid (HTTP 400, 404, 413, 422 and other 4xx). Never retried. */
public class BadRequestException extends LmException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message         what failed, for people (never holds an API key)
     * @param status          the HTTP status (a 4xx)
     * @param providerMessage the provider's own error message, or null
     * @param cause           the underlying failure, or null
     */
    public BadRequestException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
