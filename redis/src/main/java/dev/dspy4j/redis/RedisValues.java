package dev.dspy4j.redis;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.cache.ResponseCodec;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LmResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responses of one {@link RedisCache}: the memory layer in front of Redis, and the way a value goes
 * to and from Redis under the outage tracking ({@link RedisHealth}: a miss or a skipped write while Redis
 * is down or failing). A value read from Redis is decoded with {@link ResponseCodec} (one that does not
 * decode is a miss, warned once per cache) and kept in memory no longer than Redis keeps it. Thread-safe.
 */
final class RedisValues {
    private static final Logger log = LoggerFactory.getLogger(RedisCache.class);

    private final RedisAddress address;
    private final RedisStore store;
    private final MemoryCache memory;
    private final RedisHealth health;
    private final RedisLeases leases;
    private final AtomicBoolean decodeWarned = new AtomicBoolean();

    /**
     * @param memory the memory layer, or null for none
     * @param leases hands a write over to the cache's own thread when the caller is interrupted
     */
    RedisValues(RedisAddress address, RedisStore store, MemoryCache memory, RedisHealth health, RedisLeases leases) {
        this.address = address;
        this.store = store;
        this.memory = memory;
        this.health = health;
        this.leases = leases;
    }

    /** {@return the response in memory or in Redis, or null on a miss, while Redis is down, or when it fails} */
    LmResponse get(CacheKey key) {
        if (memory != null) {
            LmResponse r = memory.get(key);
            if (r != null) return r;
        }
        RedisStore.Stored value = fetch(key);
        return value == null ? null : remember(key, value);
    }

    /** Keeps {@code response} in memory and stores it in Redis for the others (skipped while Redis is down). */
    void put(CacheKey key, LmResponse response) {
        if (memory != null) memory.put(key, response);
        if (!health.shouldTry()) {
            health.skipped(CacheFailure.Operation.WRITE, "a write");
            return;
        }
        byte[] value = ResponseCodec.encode(response);
        byte[] redisKey = store.valueKey(key.bytes());
        leases.writeForOthers(CacheFailure.Operation.WRITE, "a write", () -> store.write(redisKey, value));
    }

    /** GET (with PTTL when the memory layer must not outlive the value) of the value at {@code redisKey}. */
    RedisStore.Stored read(byte[] redisKey) {
        return store.read(redisKey, memory != null);
    }

    /** The decoded response (null if it does not decode), kept in the memory layer no longer than Redis keeps it. */
    LmResponse remember(CacheKey key, RedisStore.Stored value) {
        LmResponse r = decode(key, value.bytes());
        if (r == null || memory == null) return r;
        if (value.pttl() > 0) memory.put(key, r, Duration.ofMillis(value.pttl()));
        else if (value.pttl() == -1) memory.put(key, r); // kept by Redis without a time to live
        return r; // -2: expired since it was read
    }

    /** The stored value, or null on a miss, when Redis is down, or when it fails (then it is marked down). */
    private RedisStore.Stored fetch(CacheKey key) {
        if (!health.shouldTry()) {
            health.skipped(CacheFailure.Operation.READ, "a lookup");
            return null;
        }
        try {
            RedisStore.Stored v = read(store.valueKey(key.bytes()));
            health.succeeded();
            return v;
        } catch (RuntimeException e) {
            health.failed(CacheFailure.Operation.READ, "a lookup", e);
            return null;
        }
    }

    /** The response, or null (a miss) for a value this version cannot read: warned once, then told to the listener. */
    private LmResponse decode(CacheKey key, byte[] value) {
        try {
            return ResponseCodec.decode(value);
        } catch (IllegalArgumentException e) {
            String m = "the value of " + key + " in Redis at " + address + " does not decode (" + e.getMessage()
                    + "); taken as a miss";
            if (decodeWarned.compareAndSet(false, true)) log.warn("{} (said once per cache)", m);
            health.tell(CacheFailure.Operation.DECODE, m, e);
            return null;
        }
    }
}
