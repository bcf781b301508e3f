package dev.dspy4j.cache;

import dev.dspy4j.lm.LmResponse;

/**
 * Stores LM responses by {@link CacheKey}. Implementations are thread-safe; a write is all or nothing.
 */
public interface ResponseCache extends AutoCloseable {

    /** The stored response, or null on a miss. */
    LmResponse get(CacheKey key);

    /** Stores a response (its cache-hit flag and usage are stored as given). */
    void put(CacheKey key, LmResponse response);

    /**
     * The process-wide default cache (a {@link TieredCache} in {@code ~/.dspy4j/cache} or
     * {@code $DSPY4J_CACHE_DIR}), opened on first use; null if turned off. See {@link Caches}.
     */
    static ResponseCache defaultCache() {
        return Caches.defaultCache();
    }

    /** Releases resources; the default does nothing. */
    @Override
    default void close() {}
}
