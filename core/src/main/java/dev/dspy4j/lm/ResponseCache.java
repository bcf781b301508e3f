package dev.dspy4j.lm;

/**
 * Stores LM responses by {@link CacheKey}. Implementations are thread-safe; a write is all or nothing.
 */
public interface ResponseCache extends AutoCloseable {

    /** The stored response, or null on a miss. */
    LmResponse get(CacheKey key);

    /** Stores a response (its cache-hit flag and usage are stored as given). */
    void put(CacheKey key, LmResponse response);

    /**
     * The process-wide default cache (in {@code dspy4j-core}: a {@code dev.dspy4j.cache.TieredCache} in
     * {@code ~/.dspy4j/cache} or {@code $DSPY4J_CACHE_DIR}, see {@code dev.dspy4j.cache.Caches}), opened on
     * first use; null if turned off. It comes from the {@link DefaultCacheProvider} registered with
     * {@link java.util.ServiceLoader}, so this package does not depend on the cache implementations.
     *
     * @throws IllegalStateException if no provider or more than one is registered
     */
    static ResponseCache defaultCache() {
        return DefaultCacheProvider.installed().defaultCache();
    }

    /** Releases resources; the default does nothing. */
    @Override
    default void close() {}
}
