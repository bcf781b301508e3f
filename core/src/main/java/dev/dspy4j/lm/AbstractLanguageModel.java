package dev.dspy4j.lm;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared part of every LM: default parameters, the response cache (with one call for identical
 * requests in flight), and the call history. Subclasses implement {@link #send} for one provider.
 */
public abstract class AbstractLanguageModel implements LanguageModel {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractLanguageModel.class);

    private final String model;
    private final Map<String, Object> defaults;
    private final ResponseCache cache;
    private final CacheListener cacheListener;
    private final LmHistory history;
    private final RateLimit rateLimit;
    private final ConcurrentHashMap<CacheKey, CompletableFuture<LmResponse>> inFlight = new ConcurrentHashMap<>();

    protected AbstractLanguageModel(Builder<?> b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.defaults = java.util.Collections.unmodifiableMap(new TreeMap<>(b.defaults));
        this.cache = b.cacheSet ? b.cache : ResponseCache.defaultCache();
        this.cacheListener = b.cacheListener;
        this.history = new LmHistory(b.historySize);
        this.rateLimit = b.rateLimit;
    }

    @Override
    public final String model() {
        return model;
    }

    /** The default parameters added to every request. */
    public final Map<String, Object> defaults() {
        return defaults;
    }

    /** {@code request} as this LM sends it: its {@linkplain #defaults() defaults} added where the request sets none. */
    public final LmRequest prepare(LmRequest request) {
        return request.withDefaults(defaults);
    }

    /**
     * The key under which {@link #complete} caches {@code request} (after {@link #prepare}), so a
     * response obtained another way (a provider batch) can be stored where a live call would find it.
     */
    public final CacheKey cacheKey(LmRequest request) {
        return CacheKey.of(model, prepare(request));
    }

    /** The cache, or null if this LM does not cache. */
    public final ResponseCache cache() {
        return cache;
    }

    @Override
    public final LmHistory history() {
        return history;
    }

    /** The last {@code n} calls, readable; payloads shown by type, size and digest. */
    public final String inspectHistory(int n) {
        return history.inspect(n);
    }

    /** The rate limit applied to calls that reach the provider, or null. */
    public final RateLimit rateLimit() {
        return rateLimit;
    }

    /**
     * Serves the request from the cache or sends it (waiting for the {@linkplain Builder#rateLimit rate
     * limit} first), records it in the history and tells the {@link Callback}s. When a
     * {@link TextStream} is active ({@link CallContext#streamingTo}), the answer's text goes to it as it
     * arrives (providers that stream) or at once (cache hits, and providers that do not).
     */
    @Override
    public final LmResponse complete(LmRequest request) {
        LmRequest full = prepare(request);
        return CallContext.observe(
                Call.Kind.LM,
                this,
                (cb, call) -> cb.onLmStart(call, full),
                () -> completeObserved(full),
                (cb, call, r, e) -> cb.onLmEnd(call, r, e));
    }

    private LmResponse completeObserved(LmRequest full) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        TextStream stream = CallContext.stream();
        Replay replay = stream == null ? null : new Replay(stream);
        LmResponse response;
        if (cache == null || !full.cache()) {
            response = limited(full, replay);
        } else {
            response = completeCached(full, replay);
        }
        history.add(new LmHistory.Entry(start, model, full, response, Duration.ofNanos(System.nanoTime() - t0)));
        if (replay != null) replay.finish(response);
        return response;
    }

    /** Sends under the rate limit, streaming if a text stream is active. */
    private LmResponse limited(LmRequest request, Replay replay) {
        long taken = rateLimit == null ? 0 : rateLimit.acquire(request);
        LmResponse response = replay == null ? send(request) : sendStreaming(request, replay);
        if (rateLimit != null) rateLimit.settle(taken, response.usage());
        return response;
    }

    /** A text stream that remembers whether it got anything, so an answer not streamed is replayed whole. */
    private static final class Replay implements TextStream {
        private final TextStream target;
        private boolean sent;

        Replay(TextStream target) {
            this.target = target;
        }

        @Override
        public void onText(String delta) {
            if (delta == null || delta.isEmpty()) return;
            sent = true;
            target.onText(delta);
        }

        void finish(LmResponse response) {
            if (!sent && !response.completions().isEmpty())
                onText(response.first().text());
            target.onComplete(response);
        }
    }

    /**
     * Sends one request, passing the first completion's text to {@code stream} as it arrives. The default
     * sends without streaming (the text is then passed on whole when the answer is complete); providers
     * that stream override this.
     *
     * @throws LmException if the call fails
     */
    protected LmResponse sendStreaming(LmRequest request, TextStream stream) {
        return send(request);
    }

    private LmResponse completeCached(LmRequest request, Replay replay) {
        CacheKey key = CacheKey.of(model, request); // request is prepared: the same key as cacheKey(request)
        while (true) {
            LmResponse hit = cacheGet(key);
            if (hit != null) {
                return hit.asCacheHit();
            }
            CompletableFuture<LmResponse> mine = new CompletableFuture<>();
            CompletableFuture<LmResponse> running = inFlight.putIfAbsent(key, mine);
            if (running != null) {
                LmResponse shared = await(running);
                if (shared == null) continue; // the caller making the call was interrupted: not our failure, try again
                return shared.asCacheHit();
            }
            try {
                LmResponse again = cacheGet(key);
                LmResponse response = again != null ? again.asCacheHit() : sendLeased(key, request, replay);
                mine.complete(response);
                return response;
            } catch (RuntimeException | Error e) {
                if (Thread.currentThread().isInterrupted()) {
                    // this thread was interrupted; the callers waiting for it were not, so they try themselves
                    mine.complete(null);
                } else {
                    mine.completeExceptionally(e);
                }
                throw e;
            } finally {
                inFlight.remove(key, mine);
            }
        }
    }

    /**
     * Sends a request that missed under the cache's {@link CacheLease}, so that identical requests in
     * flight in other processes sharing the cache make one call; the lease is given back after the
     * response is stored, or when the call failed.
     */
    private LmResponse sendLeased(CacheKey key, LmRequest request, Replay replay) {
        CacheLease lease = cacheLease(key);
        try {
            if (!lease.granted()) return lease.response().asCacheHit();
            LmResponse response = limited(request, replay);
            cachePut(key, response);
            return response;
        } finally {
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
    }

    /** The cache's lease on {@code key}; a cache that fails here is logged, and this caller sends. */
    private CacheLease cacheLease(CacheKey key) {
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

    /** The response of an identical call in flight on another thread; null if that thread was interrupted. */
    private static LmResponse await(CompletableFuture<LmResponse> running) {
        try {
            return running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LmException("interrupted while waiting for an identical call in flight", 0, null, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new LmException("an identical call in flight failed: " + c, 0, null, c);
        }
    }

    /** A cache lookup; a cache that fails is logged and taken as a miss, so it never fails the call. */
    private LmResponse cacheGet(CacheKey key) {
        try {
            return cache.get(key);
        } catch (RuntimeException e) {
            LOG.warn("{}: the response cache failed to read {} ({}); treated as a miss", model, key, e.toString());
            tell(CacheFailure.Operation.READ, "the response cache failed to read " + key + ": " + e, e);
            return null;
        }
    }

    /** A cache write; a cache that fails is logged, and the response is still returned. */
    private void cachePut(CacheKey key, LmResponse response) {
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

    private void tell(CacheFailure.Operation op, String message, RuntimeException e) {
        try {
            cacheListener.failed(new CacheFailure(op, model + ": " + message, e));
        } catch (RuntimeException le) {
            LOG.warn("{}: the cache listener failed: {}", model, le.toString());
        }
    }

    /**
     * Sends one request to the provider, with the provider's retries. Called only on a cache miss.
     *
     * @throws LmException if the call fails
     */
    protected abstract LmResponse send(LmRequest request);

    /** Common builder settings; provider builders extend it. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<B extends Builder<B>> {
        private String model;
        private final Map<String, Object> defaults = new TreeMap<>();
        private ResponseCache cache;
        private boolean cacheSet;
        private CacheListener cacheListener = CacheListener.NONE;
        private int historySize = 100;
        private RateLimit rateLimit;

        protected Builder() {}

        /** The model name. */
        public B model(String name) {
            this.model = Objects.requireNonNull(name, "model");
            return (B) this;
        }

        /** A default parameter for every request (a request's own value wins). */
        public B param(String name, Object value) {
            defaults.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return (B) this;
        }

        public B temperature(double t) {
            return param("temperature", t);
        }

        public B maxTokens(int tokens) {
            return param("max_tokens", tokens);
        }

        /**
         * The response cache, or null for none. When not called, the LM uses the process-wide
         * {@link ResponseCache#defaultCache()} (memory plus disk in {@code ~/.dspy4j/cache}).
         */
        public B cache(ResponseCache c) {
            this.cache = c;
            this.cacheSet = true;
            return (B) this;
        }

        /**
         * Told when the cache as a whole fails (a lookup or a store that throws) and the call goes on
         * without it. Failures a {@code TieredCache} absorbs inside itself go to its own listener.
         */
        public B cacheListener(CacheListener l) {
            this.cacheListener = Objects.requireNonNull(l, "cacheListener");
            return (B) this;
        }

        /** How many calls {@link #history()} keeps (default 100; 0 keeps none). */
        public B historySize(int size) {
            if (size < 0) throw new IllegalArgumentException("historySize must be >= 0");
            this.historySize = size;
            return (B) this;
        }

        /**
         * A client-side limit on requests and tokens per minute for calls that reach the provider (cache
         * hits are free), or null for none. One instance may be shared by several LMs.
         */
        public B rateLimit(RateLimit limit) {
            this.rateLimit = limit;
            return (B) this;
        }

        protected String model() {
            return model;
        }
    }
}
