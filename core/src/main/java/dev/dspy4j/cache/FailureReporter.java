package dev.dspy4j.cache;

import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheListener;
import org.slf4j.Logger;

/**
 * Tells a cache's {@link CacheListener} about a failure the cache absorbed (a miss, a skipped write,
 * an access time not written). A listener that throws is logged and ignored, so that it cannot turn an
 * absorbed failure into a failed LM call.
 */
final class FailureReporter {
    private final CacheListener listener;
    private final Logger log;
    private final String prefix;

    /**
     * @param listener the listener told
     * @param log      where a failing listener is logged
     * @param prefix   starts that log line (e.g. {@code "disk cache FILE: "}), may be empty
     */
    FailureReporter(CacheListener listener, Logger log, String prefix) {
        this.listener = listener;
        this.log = log;
        this.prefix = prefix;
    }

    /** Tells the listener; never throws. */
    void tell(CacheFailure.Operation op, String message, Throwable cause) {
        try {
            listener.failed(new CacheFailure(op, message, cause));
        } catch (RuntimeException e) {
            log.warn("{}the cache listener failed: {}", prefix, e.toString());
        }
    }
}
