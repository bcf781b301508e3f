package dev.dspy4j.lm;

/**
 * Told when a cache fails and the LM call goes on without it (a read taken as a miss, a response
 * not stored, a damaged entry skipped). The cache layers and the LMs log such failures at WARN and
 * then tell their listener, so a caller can count them (see {@link dev.dspy4j.cache.CacheFailureCounter}) or stop a run.
 * Called on the thread that met the failure; must be thread-safe and quick, and must not throw.
 *
 * <p>Set with {@code TieredCache.builder().listener(l)}, {@code DiskCache.builder().listener(l)} and
 * an LM's {@code cacheListener(l)} (for failures of the cache as a whole).
 */
@FunctionalInterface
public interface CacheListener {
    /** A listener that ignores every failure. */
    CacheListener NONE = failure -> {};

    /**
     * Told of one failure that was absorbed.
     *
     * @param failure what failed and why
     */
    void failed(CacheFailure failure);
}
