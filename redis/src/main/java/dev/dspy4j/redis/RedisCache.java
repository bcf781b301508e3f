package dev.dspy4j.redis;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.cache.ResponseCodec;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.CacheListener;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A response cache in Redis, shared by every process and machine that uses the same server
 * and {@linkplain Builder#prefix prefix}, with a size-bounded {@link MemoryCache} of this process in
 * front. Thread-safe; one instance per JVM is enough (it holds a connection pool).
 *
 * <ul>
 *   <li>Key: the prefix (default {@value #DEFAULT_PREFIX}) and the 32 bytes of the {@link CacheKey},
 *       binary. Value: the {@link ResponseCodec} bytes, the same as the disk cache's. An optional time to
 *       live ({@code SET ... PX}) applies to Redis and to the memory layer.</li>
 *   <li>Identical requests in flight in several processes make one LM call: {@link #lease} takes
 *       {@code <prefix>lease:<key>} with {@code SET NX PX} for the caller that sends, renewing it while
 *       the call runs; the others poll for the value (5 ms doubling to 100 ms) until it is stored, or
 *       until the lease is gone (its holder failed or died), then try to take it themselves.</li>
 *   <li>A Redis that is down or slow (connect and read {@linkplain Builder#timeout timeouts}, default
 *       500 ms) never fails a call: a lookup is a miss, a write is skipped, a lease is granted at once.
 *       One warning per outage, not per call; while down, Redis is tried again once per
 *       {@linkplain Builder#retryAfter retry interval}, and the cache is shared again when it answers.
 *       Every absorbed failure is told to the {@linkplain Builder#listener listener}.</li>
 * </ul>
 * Only standard commands are used (GET, SET with NX/PX, EXISTS, EVAL); tested with Redis 7.0. Valkey
 * speaks the same commands but is not tested here. The password never appears in {@link #toString()}
 * or in log lines.
 *
 * <pre>{@code
 * try (RedisCache cache = RedisCache.builder().uri("redis://cache.internal:6379/2").ttl(Duration.ofDays(7)).build()) {
 *     LanguageModel lm = OpenAiChat.builder().model("gpt-4o-mini").cache(cache).build();
 * }
 * }</pre>
 */
public final class RedisCache implements ResponseCache {
    private static final Logger log = LoggerFactory.getLogger(RedisCache.class);

    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "dspy4j:";
    /** The environment variable {@link Builder#uri} reads the password from when the URI has none. */
    public static final String PASSWORD_ENV = "DSPY4J_REDIS_PASSWORD";

    private final RedisAddress address;
    private final RedisStore store;
    private final MemoryCache memory;
    private final RedisHealth health;
    private final RedisLeases leases;
    private final Duration timeout;
    private final AtomicBoolean decodeWarned = new AtomicBoolean();

    private RedisCache(Builder b) {
        this.address = b.address;
        this.store = new RedisStore(address, b.prefix, b.ttl, b.timeout, b.maxConnections, b.sslSocketFactory);
        this.memory = b.memoryBytes == 0 ? null : memoryLayer(b.memoryBytes, b.ttl);
        this.timeout = b.timeout;
        this.health = new RedisHealth(address.toString(), b.retryAfter.toNanos(), b.listener);
        this.leases = new RedisLeases(store.client(), health, b.leaseTime, b.leaseWait);
    }

    private static MemoryCache memoryLayer(long bytes, Duration ttl) {
        MemoryCache.Builder m = MemoryCache.builder().maxBytes(bytes);
        if (ttl != null) m.expireAfterWrite(ttl);
        return m.build();
    }

    /** {@return a new builder; only {@link Builder#uri} is required} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@return a cache on the server at {@code uri} with the default settings; see {@link Builder#uri}}
     *
     * @param uri {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...}
     * @throws IllegalArgumentException naming what is wrong in the URI (its password masked)
     */
    public static RedisCache open(String uri) {
        return builder().uri(uri).build();
    }

    /**
     * {@return {@code uri} with its password replaced by {@code ***}, for messages (it need not be a valid
     * URI); "null" for null}
     *
     * @param uri a Redis URI, possibly with a password
     */
    public static String redacted(String uri) {
        return uri == null ? "null" : RedisAddress.masked(uri);
    }

    /** The memory layer in front of Redis, or null if built with {@code memoryBytes(0)}. */
    public MemoryCache memory() {
        return memory;
    }

    /** True while Redis is taken as unreachable (lookups are misses and answers are not shared). */
    public boolean isDown() {
        return health.isDown();
    }

    /**
     * Connects once (PING on a pooled connection, which logs in and selects the database) to tell a
     * configuration error from an outage before any work, e.g. for a command line that should stop on a
     * typo instead of running without its cache. An outage marks Redis down as a failed lookup would (one
     * warning; told to the listener as a {@code READ}), and the cache goes on without Redis.
     *
     * @return true if Redis answered, false if it could not be reached (connection refused, timeout, TLS failure)
     * @throws IllegalStateException if Redis answered but refused this cache's settings: a password it needs
     *     ({@code NOAUTH}), a wrong user or password ({@code WRONGPASS}), a database number past its
     *     {@code databases} setting ({@code ERR DB index is out of range}); the message names the URI with its
     *     password masked and says what to fix
     */
    public boolean check() {
        try {
            store.client().ping();
            health.succeeded();
            return true;
        } catch (RuntimeException e) {
            String fix = RedisHealth.refusal(e);
            if (fix != null) {
                throw new IllegalStateException(
                        "Redis at " + address + " refused this cache's settings (" + RedisHealth.reply(e) + "): " + fix,
                        e);
            }
            health.failed(CacheFailure.Operation.READ, "a check", e);
            return false;
        }
    }

    @Override
    public LmResponse get(CacheKey key) {
        if (memory != null) {
            LmResponse r = memory.get(key);
            if (r != null) return r;
        }
        RedisStore.Stored value = fetch(key, "a lookup");
        return value == null ? null : remember(key, value);
    }

    /** The decoded response (null if it does not decode), kept in the memory layer no longer than Redis keeps it. */
    private LmResponse remember(CacheKey key, RedisStore.Stored value) {
        LmResponse r = decode(key, value.bytes());
        if (r == null || memory == null) return r;
        if (value.pttl() > 0) memory.put(key, r, Duration.ofMillis(value.pttl()));
        else if (value.pttl() == -1) memory.put(key, r); // kept by Redis without a time to live
        return r; // -2: expired since it was read
    }

    /** GET (with PTTL when the memory layer must not outlive the value) of the value at {@code redisKey}. */
    private RedisStore.Stored read(byte[] redisKey) {
        return store.read(redisKey, memory != null);
    }

    @Override
    public void put(CacheKey key, LmResponse response) {
        if (memory != null) memory.put(key, response);
        if (!health.shouldTry()) {
            health.skipped(CacheFailure.Operation.WRITE, "a write");
            return;
        }
        byte[] value = ResponseCodec.encode(response);
        byte[] redisKey = redisKey(key);
        leases.writeForOthers(CacheFailure.Operation.WRITE, "a write", () -> store.write(redisKey, value));
    }

    /**
     * Waits while another process holds the lease on {@code key}; see the class comment. Never throws: an
     * unreachable Redis, a wait longer than {@link Builder#leaseWait} or an interrupt grant at once (the
     * interrupt stays set).
     */
    @Override
    public CacheLease lease(CacheKey key) {
        return leases.lease(leaseKey(key), redisKey(key), this::read, value -> remember(key, value));
    }

    /** The stored value, or null on a miss, when Redis is down, or when it fails (then it is marked down). */
    private RedisStore.Stored fetch(CacheKey key, String what) {
        if (!health.shouldTry()) {
            health.skipped(CacheFailure.Operation.READ, what);
            return null;
        }
        try {
            RedisStore.Stored v = read(redisKey(key));
            health.succeeded();
            return v;
        } catch (RuntimeException e) {
            health.failed(CacheFailure.Operation.READ, what, e);
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

    /** {@return the Redis key of {@code key}'s value} */
    byte[] redisKey(CacheKey key) {
        return store.valueKey(key.bytes());
    }

    /** {@return the Redis key of {@code key}'s lease} */
    byte[] leaseKey(CacheKey key) {
        return store.leaseKey(key.bytes());
    }

    /** Gives back held leases, closes the connections and empties the memory layer. */
    @Override
    public void close() {
        try {
            leases.close(timeout); // a write or lease release handed over by a cancelled call gets one timeout
        } finally {
            try {
                store.close();
            } finally {
                if (memory != null) memory.close();
            }
        }
    }

    @Override
    public String toString() {
        return "RedisCache[" + address + ", prefix " + store.prefix()
                + (store.ttlMillis() > 0 ? ", ttl " + store.ttlMillis() + " ms" : "")
                + (health.isDown() ? ", down" : "") + "]";
    }

    /** Configures a {@link RedisCache}; only {@link #uri} is required. */
    public static final class Builder {
        private RedisAddress address;
        private String prefix = DEFAULT_PREFIX;
        private Duration ttl;
        private long memoryBytes = MemoryCache.DEFAULT_MAX_BYTES;
        private Duration timeout = Duration.ofMillis(500);
        private Duration retryAfter = Duration.ofSeconds(5);
        private Duration leaseTime = Duration.ofSeconds(10);
        private Duration leaseWait = Duration.ofMinutes(10);
        private int maxConnections = 16;
        private CacheListener listener = CacheListener.NONE;
        private SSLSocketFactory sslSocketFactory;

        private Builder() {}

        /**
         * The server: {@code redis://[[user]:password@]host[:port][/db]} or {@code rediss://...} (TLS); port
         * 6379 and database 0 by default. Without a password in the URI, the environment variable
         * {@value #PASSWORD_ENV} is used if set.
         *
         * @throws IllegalArgumentException naming what is wrong in the URI (its password masked)
         */
        public Builder uri(String uri) {
            return uri(uri, System::getenv);
        }

        /** {@link #uri(String)} reading the environment through {@code env} (tests). */
        Builder uri(String uri, java.util.function.UnaryOperator<String> getenv) {
            RedisAddress a = RedisAddress.parse(uri);
            if (a.password() == null) {
                String env = getenv.apply(PASSWORD_ENV);
                if (env != null && !env.isEmpty()) a = a.withPassword(env);
            }
            this.address = a;
            return this;
        }

        /**
         * The TLS sockets for {@code rediss://}, e.g. from an {@code SSLContext} that trusts a private CA
         * (default: the JVM's trust store). Either way the server's certificate must name the URI's host.
         */
        public Builder sslSocketFactory(SSLSocketFactory f) {
            this.sslSocketFactory = Objects.requireNonNull(f, "sslSocketFactory");
            return this;
        }

        /** The password (over the URI's and the environment's); null for none. */
        public Builder password(String password) {
            requireUri("password");
            this.address = address.withPassword(password == null || password.isEmpty() ? null : password);
            return this;
        }

        /** The start of every key this cache writes (default {@value #DEFAULT_PREFIX}); may be empty. */
        public Builder prefix(String p) {
            this.prefix = Objects.requireNonNull(p, "prefix");
            return this;
        }

        /** How long Redis (and the memory layer) keeps a response; default: until Redis evicts it. */
        public Builder ttl(Duration d) {
            this.ttl = positive("ttl", d);
            if (d.toMillis() < 1) throw new IllegalArgumentException("ttl must be at least 1 ms, not " + d);
            return this;
        }

        /** The memory layer's limit in bytes (default 64 MiB); 0 for no memory layer. */
        public Builder memoryBytes(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("memoryBytes must be 0 or more, not " + bytes);
            this.memoryBytes = bytes;
            return this;
        }

        /** The connect and read timeout of one Redis command, and the wait for a pooled connection (default 500 ms). */
        public Builder timeout(Duration d) {
            this.timeout = positive("timeout", d);
            return this;
        }

        /** While Redis is down, how long to go without it before trying again (default 5 s). */
        public Builder retryAfter(Duration d) {
            this.retryAfter = positive("retryAfter", d);
            return this;
        }

        /**
         * How long a lease lasts unless renewed (default 10 s); its holder renews it every third of that
         * while its call runs, so this is how soon the others take over when the holder dies.
         */
        public Builder leaseTime(Duration d) {
            this.leaseTime = positive("leaseTime", d);
            if (d.toMillis() < 30) throw new IllegalArgumentException("leaseTime must be at least 30 ms, not " + d);
            return this;
        }

        /** The longest a caller waits for another process's call before sending itself (default 10 min). */
        public Builder leaseWait(Duration d) {
            this.leaseWait = positive("leaseWait", d);
            return this;
        }

        /** The most connections to Redis at once (default 16); callers beyond wait up to the timeout. */
        public Builder maxConnections(int n) {
            if (n < 1) throw new IllegalArgumentException("maxConnections must be at least 1, not " + n);
            this.maxConnections = n;
            return this;
        }

        /** Told about every failure or skipped operation the cache absorbs, e.g. a {@code CacheFailureCounter}. */
        public Builder listener(CacheListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Builds the cache. It connects lazily: a server that is down now makes the first operations
         * misses, not an error.
         *
         * @throws IllegalStateException if no {@link #uri} was given
         */
        public RedisCache build() {
            requireUri("build()");
            return new RedisCache(this);
        }

        private void requireUri(String what) {
            if (address == null) throw new IllegalStateException(what + ": call uri(\"redis://host:port\") first");
        }

        private static Duration positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, not " + d);
            }
            return d;
        }
    }
}
