package dev.dspy4j.lm;

import java.util.Objects;

/**
 * A cache failure that did not fail the LM call.
 *
 * @param operation what failed
 * @param message   what happened, naming the cache file where there is one
 * @param cause     the exception, or null
 */
public record CacheFailure(Operation operation, String message, Throwable cause) {

    /** What a cache was doing when it failed. */
    public enum Operation {
        /** A lookup failed; it was taken as a miss, so the LM was called. */
        READ,
        /** Storing a response failed; the response was returned but not cached (or cached in memory only). */
        WRITE,
        /** A stored entry did not decode (damaged, or written by an incompatible version); taken as a miss. */
        DECODE,
        /** Last-access times could not be written; only eviction order suffers. */
        ACCESS_TIME,
        /**
         * A lease shared between processes could not be taken, kept or waited for; this process sent the
         * request itself, so another process may have made the same call.
         */
        LEASE
    }

    /**
     * Checks the required components.
     *
     * @param operation what failed; not null
     * @param message   what happened; not null
     * @param cause     the exception, or null
     * @throws NullPointerException if {@code operation} or {@code message} is null
     */
    public CacheFailure {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(message, "message");
    }
}
