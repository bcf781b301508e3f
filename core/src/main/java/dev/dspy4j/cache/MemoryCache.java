package dev.dspy4j.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.ToolCall;
import java.time.Duration;

/**
 * An in-process response cache on Caffeine, bounded by the total estimated size of the stored
 * responses (about two bytes per character of text plus a fixed overhead per object), evicting
 * by Caffeine's frequency-and-recency policy. Stores the immutable {@link LmResponse} objects
 * themselves, so a hit copies and decodes nothing. Thread-safe.
 *
 * <pre>{@code
 * MemoryCache memory = MemoryCache.builder().maxBytes(128L << 20).build();
 * }</pre>
 */
public final class MemoryCache implements ResponseCache {
    /** The default limit: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private final Cache<CacheKey, LmResponse> cache;
    private final long maxBytes;
    private final Duration expireAfterWrite;

    private MemoryCache(Builder b) {
        this.maxBytes = b.maxBytes;
        Caffeine<CacheKey, LmResponse> builder = Caffeine.newBuilder()
                .maximumWeight(b.maxBytes)
                .weigher((CacheKey k, LmResponse r) -> (int) Math.min(Integer.MAX_VALUE, estimateBytes(r)))
                .executor(Runnable::run); // eviction runs on the writing thread: bounded and deterministic
        this.expireAfterWrite = b.expireAfterWrite;
        if (b.expireAfterWrite != null) {
            // per-entry expiry, so that put(key, response, timeToLive) can end an entry sooner
            Duration d = b.expireAfterWrite;
            builder.expireAfter(Expiry.writing((CacheKey k, LmResponse r) -> d));
        }
        this.cache = builder.build();
    }

    /** {@return a memory cache holding at most {@link #DEFAULT_MAX_BYTES}, entries never expiring} */
    public static MemoryCache create() {
        return builder().build();
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public LmResponse get(CacheKey key) {
        return cache.getIfPresent(key);
    }

    @Override
    public void put(CacheKey key, LmResponse response) {
        cache.put(key, response);
    }

    /**
     * Stores a response that is to be dropped after {@code timeToLive} or the builder's
     * {@linkplain Builder#expireAfterWrite expireAfterWrite}, whichever comes first; e.g. an entry read from a
     * shared cache whose own time to live has partly run out. Without expireAfterWrite it is {@link #put}.
     *
     * @param key        the request's key
     * @param response   the response
     * @param timeToLive positive
     * @throws IllegalArgumentException if {@code timeToLive} is null, zero or negative
     */
    public void put(CacheKey key, LmResponse response, Duration timeToLive) {
        if (timeToLive == null || timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be a positive duration, not " + timeToLive);
        }
        if (expireAfterWrite == null) {
            cache.put(key, response);
            return;
        }
        Duration d = timeToLive.compareTo(expireAfterWrite) < 0 ? timeToLive : expireAfterWrite;
        var unused = cache.policy().expireVariably().orElseThrow().put(key, response, d); // the value replaced
    }

    /**
     * Removes one entry.
     *
     * @param key the entry's key
     * @return true if it was present
     */
    public boolean remove(CacheKey key) {
        return cache.asMap().remove(key) != null;
    }

    /** {@return the number of entries and their estimated heap size in bytes, after pending evictions} */
    public CacheStats stats() {
        cache.cleanUp();
        long weight =
                cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
        return new CacheStats(cache.estimatedSize(), weight, maxBytes);
    }

    /**
     * Removes every entry.
     *
     * @return about how many there were (Caffeine's estimate)
     */
    public long clear() {
        long n = cache.estimatedSize();
        cache.invalidateAll();
        cache.cleanUp();
        return n;
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }

    /** The estimated heap size of a response: the key, two bytes per character, and object overheads. */
    static long estimateBytes(LmResponse r) {
        long bytes = 96 + 32 + 2L * r.model().length(); // response, usage, list, key
        for (Completion c : r.completions()) {
            bytes += 64
                    + 2L * c.text().length()
                    + (c.finishReason() == null ? 0 : 2L * c.finishReason().length());
            for (ToolCall t : c.toolCalls()) {
                bytes += 64
                        + 2L
                                * (t.id().length()
                                        + t.name().length()
                                        + t.argumentsJson().length());
            }
        }
        return bytes;
    }

    /** Configures a {@link MemoryCache}. */
    public static final class Builder {
        private long maxBytes = DEFAULT_MAX_BYTES;
        private Duration expireAfterWrite;

        private Builder() {}

        /**
         * Drops an entry this long after it was stored (default: never), e.g. to match the time to live
         * of a shared cache behind this one.
         *
         * @param d positive
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is null, zero or negative
         */
        public Builder expireAfterWrite(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("expireAfterWrite must be a positive duration, not " + d);
            }
            this.expireAfterWrite = d;
            return this;
        }

        /**
         * Sets the limit on the entries' total estimated heap size (two bytes per character plus a fixed
         * overhead per object), past which Caffeine evicts.
         *
         * @param bytes positive (default 64 MiB)
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is zero or negative
         */
        public Builder maxBytes(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("maxBytes must be positive, not " + bytes);
            this.maxBytes = bytes;
            return this;
        }

        /** {@return a new, empty cache} */
        public MemoryCache build() {
            return new MemoryCache(this);
        }
    }
}
