package dev.dspy4j.lm;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The shared part of every LM: default parameters, the response cache (with one call for identical
 * requests in flight), and the call history. Subclasses implement {@link #send} for one provider.
 */
public abstract class AbstractLanguageModel implements LanguageModel {
    private final String model;
    private final Map<String, Object> defaults;
    private final ResponseCache cache;
    private final GuardedCache guarded;
    private final LmHistory history;
    private final RateLimit rateLimit;
    private final ConcurrentHashMap<CacheKey, CompletableFuture<LmResponse>> inFlight = new ConcurrentHashMap<>();

    /**
     * Takes the builder's settings; the model name must be set.
     *
     * @param b the provider builder, read once
     * @throws NullPointerException if no model was set
     */
    protected AbstractLanguageModel(Builder<?> b) {
        this.model = Objects.requireNonNull(b.model, "model");
        this.defaults = java.util.Collections.unmodifiableMap(new TreeMap<>(b.defaults));
        this.cache = b.cacheSet ? b.cache : ResponseCache.defaultCache();
        this.guarded = cache == null ? null : new GuardedCache(cache, b.cacheListener, model);
        this.history = new LmHistory(b.historySize);
        this.rateLimit = b.rateLimit;
    }

    @Override
    public final String model() {
        return model;
    }

    /** {@return the default parameters added to every request, sorted by name and unmodifiable} */
    public final Map<String, Object> defaults() {
        return defaults;
    }

    /**
     * {@return {@code request} as this LM sends it: its {@linkplain #defaults() defaults} added where the
     * request sets none}
     *
     * @param request the request as the caller made it
     */
    public final LmRequest prepare(LmRequest request) {
        return request.withDefaults(defaults);
    }

    /**
     * The key under which {@link #complete} caches {@code request} (after {@link #prepare}), so a
     * response obtained another way (a provider batch) can be stored where a live call would find it.
     *
     * @param request the request as the caller made it (not yet {@linkplain #prepare prepared})
     * @return the cache key of the prepared request under this LM's model
     */
    public final CacheKey cacheKey(LmRequest request) {
        return CacheKey.of(model, prepare(request));
    }

    /** {@return the response cache, or null if this LM does not cache} */
    public final ResponseCache cache() {
        return cache;
    }

    @Override
    public final LmHistory history() {
        return history;
    }

    /**
     * {@return the last {@code n} calls as readable text; payloads shown by type, size and digest}
     *
     * @param n how many of the most recent calls to show
     */
    public final String inspectHistory(int n) {
        return history.inspect(n);
    }

    /** {@return the rate limit applied to calls that reach the provider, or null for none} */
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
     * @param request the prepared request (defaults added), sent on a cache miss only
     * @param stream  told each text delta of the first completion
     * @return the whole response, as {@link #send} would return it
     * @throws LmException if the call fails
     */
    protected LmResponse sendStreaming(LmRequest request, TextStream stream) {
        return send(request);
    }

    private LmResponse completeCached(LmRequest request, Replay replay) {
        CacheKey key = CacheKey.of(model, request); // request is prepared: the same key as cacheKey(request)
        while (true) {
            LmResponse hit = guarded.get(key);
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
                LmResponse again = guarded.get(key);
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
        CacheLease lease = guarded.lease(key);
        try {
            if (!lease.granted()) return lease.response().asCacheHit();
            LmResponse response = limited(request, replay);
            guarded.put(key, response);
            return response;
        } finally {
            guarded.release(lease, key);
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

    /**
     * Sends one request to the provider, with the provider's retries. Called only on a cache miss.
     *
     * @param request the prepared request (defaults added)
     * @return the provider's response, with all the completions the request asked for
     * @throws LmException if the call fails
     */
    protected abstract LmResponse send(LmRequest request);

    /**
     * Common builder settings; provider builders extend it.
     *
     * @param <B> the concrete builder type, returned by every setter for chaining
     */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<B extends Builder<B>> {
        private String model;
        private final Map<String, Object> defaults = new TreeMap<>();
        private ResponseCache cache;
        private boolean cacheSet;
        private CacheListener cacheListener = CacheListener.NONE;
        private int historySize = 100;
        private RateLimit rateLimit;

        /** A builder with no model, no defaults, the default cache and a history of 100 calls. */
        protected Builder() {}

        /**
         * Sets the model name, as the provider spells it (for example {@code gpt-4o-mini}); required.
         *
         * @param name the model name
         * @return this builder
         */
        public B model(String name) {
            this.model = Objects.requireNonNull(name, "model");
            return (B) this;
        }

        /**
         * Adds a default parameter for every request (a request's own value wins).
         *
         * @param name  the wire name of the parameter, for example {@code top_p}
         * @param value its value, any JSON-writable object; not null
         * @return this builder
         */
        public B param(String name, Object value) {
            defaults.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return (B) this;
        }

        /**
         * Sets the default {@code temperature} parameter.
         *
         * @param t the sampling temperature (the provider checks its range, usually 0 to 2)
         * @return this builder
         */
        public B temperature(double t) {
            return param("temperature", t);
        }

        /**
         * Sets the default {@code max_tokens} parameter.
         *
         * @param tokens the most tokens a completion may have
         * @return this builder
         */
        public B maxTokens(int tokens) {
            return param("max_tokens", tokens);
        }

        /**
         * The response cache, or null for none. When not called, the LM uses the process-wide
         * {@link ResponseCache#defaultCache()} (memory plus disk in {@code ~/.dspy4j/cache}).
         *
         * @param c the cache, or null to turn caching off
         * @return this builder
         */
        public B cache(ResponseCache c) {
            this.cache = c;
            this.cacheSet = true;
            return (B) this;
        }

        /**
         * Told when the cache as a whole fails (a lookup or a store that throws) and the call goes on
         * without it. Failures a {@code TieredCache} absorbs inside itself go to its own listener.
         *
         * @param l the listener (default {@link CacheListener#NONE}); not null
         * @return this builder
         */
        public B cacheListener(CacheListener l) {
            this.cacheListener = Objects.requireNonNull(l, "cacheListener");
            return (B) this;
        }

        /**
         * Sets how many calls {@link #history()} keeps (default 100; 0 keeps none).
         *
         * @param size the capacity, at least 0
         * @return this builder
         * @throws IllegalArgumentException if {@code size} is negative
         */
        public B historySize(int size) {
            if (size < 0) throw new IllegalArgumentException("historySize must be >= 0");
            this.historySize = size;
            return (B) this;
        }

        /**
         * A client-side limit on requests and tokens per minute for calls that reach the provider (cache
         * hits are free), or null for none. One instance may be shared by several LMs.
         *
         * @param limit the limit, or null
         * @return this builder
         */
        public B rateLimit(RateLimit limit) {
            this.rateLimit = limit;
            return (B) this;
        }

        /** {@return the model name set so far, or null} */
        protected String model() {
            return model;
        }
    }
}
