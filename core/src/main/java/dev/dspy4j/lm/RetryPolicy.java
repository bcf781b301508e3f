package dev.dspy4j.lm;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how long a provider client waits before trying a failed call again.
 *
 * <p>Retried: HTTP 408, 409, 429, 5xx, connection failures and timeouts. Never retried: other 4xx
 * (bad request, authentication, not found). The wait before retry {@code k} (1-based) is
 * {@code min(maxBackoff, initialBackoff * multiplier^(k-1))}, with the upper half randomised
 * ("equal jitter") when {@code jitter} is on. A {@code Retry-After} from the server replaces that
 * wait; if it asks for longer than {@code maxRetryAfter}, the client gives up instead of waiting.
 *
 * @param maxAttempts    attempts in total, at least 1 (1 means no retry)
 * @param initialBackoff the wait before the first retry
 * @param maxBackoff     the longest computed wait
 * @param multiplier     growth of the wait per retry, at least 1
 * @param jitter         whether to randomise the wait
 * @param maxRetryAfter  the longest {@code Retry-After} the client honours
 */
public record RetryPolicy(
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        double multiplier,
        boolean jitter,
        Duration maxRetryAfter) {

    /**
     * Checks the components.
     *
     * @param maxAttempts    attempts in total, at least 1
     * @param initialBackoff the wait before the first retry, not negative
     * @param maxBackoff     the longest computed wait, not negative
     * @param multiplier     growth of the wait per retry, at least 1
     * @param jitter         whether to randomise the wait
     * @param maxRetryAfter  the longest {@code Retry-After} honoured, not negative
     *
     * @throws IllegalArgumentException if {@code maxAttempts} is less than 1, a duration is negative or
     *                                  {@code multiplier} is less than 1 (or NaN)
     * @throws NullPointerException     if a duration is null
     */
    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("retry durations must not be negative");
        }
        if (!(multiplier >= 1.0)) throw new IllegalArgumentException("multiplier must be >= 1, not " + multiplier);
    }

    /** {@return 3 attempts, 0.5 s doubling up to 8 s, with jitter; honours {@code Retry-After} up to 60 s} */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(8), 2.0, true, Duration.ofSeconds(60));
    }

    /** {@return one attempt, no retry} */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, false, Duration.ZERO);
    }

    /**
     * {@return the {@linkplain #defaults() defaults} with {@code attempts} attempts in total}
     *
     * @param attempts attempts in total, at least 1
     * @throws IllegalArgumentException if {@code attempts} is less than 1
     */
    public static RetryPolicy attempts(int attempts) {
        RetryPolicy d = defaults();
        return new RetryPolicy(attempts, d.initialBackoff, d.maxBackoff, d.multiplier, d.jitter, d.maxRetryAfter);
    }

    /**
     * {@return this policy with another number of attempts}
     *
     * @param n attempts in total, at least 1 (1 means no retry)
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public RetryPolicy withMaxAttempts(int n) {
        return new RetryPolicy(n, initialBackoff, maxBackoff, multiplier, jitter, maxRetryAfter);
    }

    /**
     * {@return this policy with other computed waits}
     *
     * @param initial the wait before the first retry, not negative
     * @param max     the longest computed wait, not negative
     * @throws IllegalArgumentException if a duration is negative
     */
    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, multiplier, jitter, maxRetryAfter);
    }

    /**
     * {@return this policy with jitter on or off}
     *
     * @param on whether to randomise the upper half of each computed wait
     */
    public RetryPolicy withJitter(boolean on) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, on, maxRetryAfter);
    }

    /**
     * {@return this policy honouring a server's {@code Retry-After} up to {@code max}}
     *
     * @param max the longest {@code Retry-After} waited for; a longer one ends the retries
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public RetryPolicy withMaxRetryAfter(Duration max) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, max);
    }

    /**
     * {@return true if an HTTP status is worth retrying: 408, 409, 429 and 5xx}
     *
     * @param status the HTTP status code
     */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
    }

    /**
     * The wait before retry number {@code retry} (1 for the first retry), or null to give up.
     *
     * @param retry      1-based retry number
     * @param retryAfter the server's {@code Retry-After}, or null
     * @return the wait (zero or more), or null when the attempts are used up or {@code retryAfter} is
     *     longer than {@code maxRetryAfter}
     * @throws IllegalArgumentException if {@code retry} is less than 1
     */
    public Duration delayBefore(int retry, Duration retryAfter) {
        if (retry < 1) throw new IllegalArgumentException("retry is 1-based, not " + retry);
        if (retry >= maxAttempts) return null;
        if (retryAfter != null) {
            if (retryAfter.compareTo(maxRetryAfter) > 0) return null;
            return retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        }
        double nanos = initialBackoff.toNanos() * Math.pow(multiplier, retry - 1);
        long capped = (long) Math.min(nanos, (double) maxBackoff.toNanos());
        if (jitter && capped > 1) {
            long half = capped / 2;
            capped = half + ThreadLocalRandom.current().nextLong(capped - half + 1);
        }
        return Duration.ofNanos(capped);
    }
}
