package dev.dspy4j.lm;

/** The provider rejected the request as invalid (HTTP 400, 404, 413, 422 and other 4xx). Never retried. */
public class BadRequestException extends LmException {
    private static final long serialVersionUID = 1L;

    public BadRequestException(String message, int status, String providerMessage, Throwable cause) {
        super(message, status, providerMessage, cause);
    }
}
