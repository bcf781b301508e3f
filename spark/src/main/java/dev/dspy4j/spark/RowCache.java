package dev.dspy4j.spark;

import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;

/**
 * The executor's cache with a per-thread note of whether the current row was served from it, so
 * that a row whose cached answer could not be parsed still reports {@code cached = true}. A row
 * runs on one thread from start to end, as in {@code dspy4j run}.
 */
final class RowCache implements ResponseCache {
    private final ResponseCache inner;
    private final ThreadLocal<boolean[]> hit = ThreadLocal.withInitial(() -> new boolean[1]);

    RowCache(ResponseCache inner) {
        this.inner = inner;
    }

    /** Starts a row on this thread. */
    void startRow() {
        hit.get()[0] = false;
    }

    /** True if a response of this thread's current row came from the cache. */
    boolean rowHit() {
        return hit.get()[0];
    }

    @Override
    public LmResponse get(CacheKey key) {
        LmResponse r = inner.get(key);
        if (r != null) hit.get()[0] = true;
        return r;
    }

    /** The lease of a shared cache; a response another process stored meanwhile counts as a hit. */
    @Override
    public CacheLease lease(CacheKey key) {
        CacheLease lease = inner.lease(key);
        if (!lease.granted()) hit.get()[0] = true;
        return lease;
    }

    @Override
    public void put(CacheKey key, LmResponse response) {
        inner.put(key, response);
    }

    @Override
    public void close() {
        inner.close();
    }
}
