package dev.dspy4j.lm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache as an LM uses it: a cache that fails (a lookup, a store, a lease taken or given
 * back) never fails the call. Each failure is logged at WARN and told to the LM's
 * {@link CacheListener}; a failed lookup is a miss, a failed store leaves the response uncached, a
 * failed lease lets this caller send.
 */
final class GuardedCache {
    // the LM's own logger: these warnings were always logged under AbstractLanguageModel
    private static final Logger LOG = LoggerFactory.getLogger(AbstractLanguageModel.class);

    private final ResponseCache cache;
    private final CacheListener listener;
    private final String model;

    GuardedCache(ResponseCache cache, CacheListener listener, String model) {
        this.cache = cache;
        this.listener = listener;
        this.model = model;
    }

    /** A cache lookup; a cache that fails is logged and taken as a miss, so it never fails the call. */
    LmResponse get(CacheKey key) {
        try {
            return cache.get(key);
        } catch (RuntimeException e) {
            LOG.warn("{}: the response cache failed to read {} ({}); treated as a miss", model, key, e.toString());
            tell(CacheFailure.Operation.READ, "the response cache failed to read " + key + ": " + e, e);
            return null;
        }
    }

    /** The cache's lease on {@code key}; a cache that fails here is logged, and this caller sends. */
    CacheLease lease(CacheKey key) {
        try {
            return cache.lease(key);
        } catch (RuntimeException e) {
            LOG.warn(
                    "{}: the response cache failed to lease {} ({}); sending without a lease",
                    model,
                    key,
                    e.toString());
            tell(CacheFailure.Operation.LEASE, "the response cache failed to lease " + key + ": " + e, e);
            return CacheLease.local();
        }
    }

    /** A cache write; a cache that fails is logged, and the response is still returned. */
    void put(CacheKey key, LmResponse response) {
        try {
            cache.put(key, response);
        } catch (RuntimeException e) {
            LOG.warn(
                    "{}: the response cache failed to store {} ({}); the response is not cached",
                    model,
                    key,
                    e.toString());
            tell(CacheFailure.Operation.WRITE, "the response cache failed to store " + key + ": " + e, e);
        }
    }

    /** Gives {@code lease} back; a cache that fails here is logged and told, never thrown. */
    void release(CacheLease lease, CacheKey key) {
        try {
            lease.close();
        } catch (RuntimeException e) {
            LOG.warn("{}: the response cache failed to give back the lease on {} ({})", model, key, e.toString());
            tell(
                    CacheFailure.Operation.LEASE,
                    "the response cache failed to give back the lease on " + key + ": " + e,
                    e);
        }
    }

    private void tell(CacheFailure.Operation op, String message, RuntimeException e) {
        try {
            listener.failed(new CacheFailure(op, model + ": " + message, e));
        } catch (RuntimeException le) {
            LOG.warn("{}: the cache listener failed: {}", model, le.toString());
        }
    }
}
