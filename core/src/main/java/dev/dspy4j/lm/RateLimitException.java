package dev.dspy4j.lm;

import java.time.Duration;

/** The provider kept answering HTTP 429 (rate limit or quota) until the retries ran out. */
public class RateLimitException extends LmException {
    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public RateLimitException(
            String message, int status, String providerMessage, Duration retryAfter, Throwable cause) {
        super(message, status, providerMessage, cause);
        this.retryAfter = retryAfter;
    }

    /** The wait the provider asked for in its last answer ({@code Retry-After}), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
