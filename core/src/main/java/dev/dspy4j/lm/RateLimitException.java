package dev.dspy4j.lm;

import java.time.Duration;

/** The provider kept answering HTTP 429 (rate limit or quota) until the retries ran out. */
public class RateLimitException extends LmException {
    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    /**
     * Creates the exception.
     *
     * @param message         what failed, for people (never holds an API key)
     * @param status          the HTTP status (429)
     * @param providerMessage the provider's own error message, or null
     * @param retryAfter      the wait the provider asked for last ({@code Retry-After}), or null
     * @param cause           the underlying failure, or null
     */
    public RateLimitException(
            String message, int status, String providerMessage, Duration retryAfter, Throwable cause) {
        super(message, status, providerMessage, cause);
        this.retryAfter = retryAfter;
    }

    /**
     * {@return the wait the provider asked for in its last answer ({@code Retry-After}), or null; not
     * kept when the exception is serialized}
     */
    public Duration retryAfter() {
        return retryAfter;
    }
}
