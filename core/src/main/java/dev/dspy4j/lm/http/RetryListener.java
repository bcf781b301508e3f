package dev.dspy4j.lm.http;

import dev.dspy4j.lm.LmException;
import java.time.Duration;

/** Told before each retry of a provider call (for logging and metrics). Must not block. */
@FunctionalInterface
public interface RetryListener {
    /**
     * Called after a failed attempt, before waiting {@code delay} and trying again.
     *
     * @param attempt the attempt that failed (1-based)
     * @param failure why it failed
     * @param delay   how long the client waits before the next attempt
     */
    void onRetry(int attempt, LmException failure, Duration delay);
}
