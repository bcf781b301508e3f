package dev.dspy4j.cache;

/**
 * How much a cache holds.
 *
 * @param entries  the number of stored responses
 * @param bytes    the total size of the stored responses (encoded size on disk, estimated size in memory)
 * @param maxBytes the configured limit on {@code bytes}
 */
public record CacheStats(long entries, long bytes, long maxBytes) {
    /**
     * Checks that no figure is negative.
     *
     * @param entries  the number of stored responses
     * @param bytes    the total size of the stored responses
     * @param maxBytes the configured limit on {@code bytes}
     */
    public CacheStats {
        if (entries < 0 || bytes < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("cache stats must not be negative: entries=" + entries + ", bytes="
                    + bytes + ", maxBytes=" + maxBytes);
        }
    }
}
