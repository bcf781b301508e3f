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

    /** 3 attempts, 0.5 s doubling up to 8 s, with jitter; honours {@code Retry-After} up to 60 s. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(8), 2.0, true, Duration.ofSeconds(60));
    }

    /** One attempt, no retry. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, false, Duration.ZERO);
    }

    /** The defaults with {@code attempts} attempts in total. */
    public static RetryPolicy attempts(int attempts) {
        RetryPolicy d = defaults();
        return new RetryPolicy(attempts, d.initialBackoff, d.maxBackoff, d.multiplier, d.jitter, d.maxRetryAfter);
    }

    public RetryPolicy withMaxAttempts(int n) {
        return new RetryPolicy(n, initialBackoff, maxBackoff, multiplier, jitter, maxRetryAfter);
    }

    public RetryPolicy withBackoff(Duration initial, Duration max) {
        return new RetryPolicy(maxAttempts, initial, max, multiplier, jitter, maxRetryAfter);
    }

    public RetryPolicy withJitter(boolean on) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, on, maxRetryAfter);
    }

    public RetryPolicy withMaxRetryAfter(Duration max) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, jitter, max);
    }

    /** True if an HTTP status is worth retrying: 408, 409, 429 and 5xx. */
    public static boolean isRetryableStatus(int status) {
        return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599);
    }

    /**
     * The wait before retry number {@code retry} (1 for the first retry), or null to give up.
     *
     * @param retry      1-based retry number
     * @param retryAfter the server's {@code Retry-After}, or null
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
