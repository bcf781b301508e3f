package dev.dspy4j.lm;

/**
 * Stores LM responses by {@link CacheKey}. Implementations are thread-safe; a write is all or nothing.
 */
public interface ResponseCache extends AutoCloseable {

    /**
     * {@return the stored response, or null on a miss}
     *
     * @param key the request's key
     */
    LmResponse get(CacheKey key);

    /**
     * Stores a response, replacing one stored under the same key.
     *
     * @param key      the request's key
     * @param response the response; its cache-hit flag and usage are stored as given
     */
    void put(CacheKey key, LmResponse response);

    /**
     * Called by an LM after a miss and before it sends the request, so that a cache shared by several
     * processes (such as {@code dspy4j-redis}'s {@code RedisCache}) makes identical requests in flight
     * on different machines one call. An LM calls it on one thread per key and process (identical
     * calls in flight in one process already wait for each other) and then either uses the lease's
     * {@linkplain CacheLease#response() response}, or sends, {@linkplain #put stores} the response and
     * closes the lease, also when the call failed.
     *
     * <p>A shared cache blocks here while another process holds the lease for {@code key}, until that
     * process stores the response (answered) or gives up or dies (granted). It must not throw for an
     * unreachable store: it grants instead, at worst costing one extra call. The default grants at once
     * and holds nothing, which is right for a cache private to one process.
     *
     * @param key the key that missed
     * @return the lease: granted (send, store, close) or answered (use its response)
     */
    default CacheLease lease(CacheKey key) {
        return CacheLease.local();
    }

    /**
     * The process-wide default cache (in {@code dspy4j-core}: a {@code dev.dspy4j.cache.TieredCache} in
     * {@code ~/.dspy4j/cache} or {@code $DSPY4J_CACHE_DIR}, see {@code dev.dspy4j.cache.Caches}), opened on
     * first use; null if turned off. It comes from the {@link DefaultCacheProvider} registered with
     * {@link java.util.ServiceLoader}, so this package does not depend on the cache implementations.
     *
     * @return the default cache, or null if turned off
     * @throws IllegalStateException if no provider or more than one is registered
     */
    static ResponseCache defaultCache() {
        return DefaultCacheProvider.installed().defaultCache();
    }

    /** Releases resources; the default does nothing. */
    @Override
    default void close() {}
}
