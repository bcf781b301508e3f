package dev.dspy4j.cli;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.upload.UploadRegistry;
import dev.dspy4j.lm.upload.Uploads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache of one command: memory in front of a store (the on-disk cache, or a Redis
 * shared with other machines for {@code --cache redis://...}), as {@link dev.dspy4j.cache.TieredCache}
 * does, plus what a command needs to report: how many store reads and writes failed (for the run
 * summary), whether the current thread's row was served from the cache (for error rows), and a
 * per-thread "refresh" mode that skips reads but still writes, so {@code --retry-failed} replaces a
 * cached bad answer instead of replaying it. The store's {@link #lease} is passed on, so identical
 * rows in flight in several runs sharing a Redis make one call.
 */
final class CliCache implements ResponseCache, UploadRegistry.Source {
    private static final Logger log = LoggerFactory.getLogger(CliCache.class);

    private final MemoryCache memory = MemoryCache.create();
    private final ResponseCache store;
    private final String name;
    private final CacheFailureTally failures;
    private final ThreadLocal<boolean[]> hit = ThreadLocal.withInitial(() -> new boolean[1]);
    private final ThreadLocal<boolean[]> refresh = ThreadLocal.withInitial(() -> new boolean[1]);
    private CountedUploads uploads;

    /**
     * @param store    the shared layer (a {@code DiskCache} or a {@code RedisCache})
     * @param name     the store as named in warnings (a file, or a Redis URI without its password)
     * @param failures the store's listener (it reports its own absorbed failures there: damaged entries,
     *                 outages); this cache adds the failures it absorbs itself
     */
    CliCache(ResponseCache store, String name, CacheFailureTally failures) {
        this.store = store;
        this.name = name;
        this.failures = failures;
    }

    /**
     * The store's upload registry (the disk cache's table), or this process's in memory for a store
     * that keeps none (Redis), counting the uploads this command makes for its summary.
     */
    @Override
    public synchronized UploadRegistry uploadRegistry() {
        if (uploads == null) {
            uploads = new CountedUploads(
                    store instanceof UploadRegistry.Source source
                            ? source.uploadRegistry()
                            : Uploads.processRegistry());
        }
        return uploads;
    }

    /** {@return the uploads made through {@link #uploadRegistry()} (none before it is asked for)} */
    synchronized long uploads() {
        return uploads == null ? 0 : uploads.files();
    }

    /** {@return the bytes of the uploads made through {@link #uploadRegistry()}} */
    synchronized long uploadedBytes() {
        return uploads == null ? 0 : uploads.bytes();
    }

    /** Starts a row on this thread: forgets earlier hits and sets whether reads are skipped. */
    void startRow(boolean skipReads) {
        hit.get()[0] = false;
        refresh.get()[0] = skipReads;
        failures.startRow();
    }

    /** True if a response for this thread's current row came from the cache. */
    boolean rowHit() {
        return hit.get()[0];
    }

    /** {@return the rows a lookup of which failed (or found a damaged entry), each row counted once} */
    long rowsWithFailedReads() {
        return failures.rowsWithFailedReads();
    }

    /** {@return the answers that could not be stored, one per LM call} */
    long writeFailures() {
        return failures.writes();
    }

    @Override
    public LmResponse get(CacheKey key) {
        if (refresh.get()[0]) return null;
        LmResponse r = memory.get(key);
        if (r == null) {
            try {
                r = store.get(key);
            } catch (RuntimeException e) {
                failures.failed(new CacheFailure(CacheFailure.Operation.READ, String.valueOf(e.getMessage()), e));
                log.warn("the response cache {} cannot be read ({}); asking the LM instead", name, e.getMessage());
                return null;
            }
            if (r != null) memory.put(key, r);
        }
        if (r != null) hit.get()[0] = true;
        return r;
    }

    @Override
    public void put(CacheKey key, LmResponse response) {
        memory.put(key, response);
        try {
            store.put(key, response);
        } catch (RuntimeException e) {
            failures.failed(new CacheFailure(CacheFailure.Operation.WRITE, String.valueOf(e.getMessage()), e));
            log.warn(
                    "the response cache {} cannot store answers ({}); they are kept in memory for this run only",
                    name,
                    e.getMessage());
        }
    }

    /**
     * The store's lease, except in refresh mode (where waiting could hand back the cached answer being
     * replaced); an answered lease counts as a hit of this thread's row.
     */
    @Override
    public CacheLease lease(CacheKey key) {
        if (refresh.get()[0]) return CacheLease.local();
        CacheLease lease = store.lease(key);
        if (!lease.granted()) {
            memory.put(key, lease.response());
            hit.get()[0] = true;
        }
        return lease;
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            memory.close();
        }
    }
}
