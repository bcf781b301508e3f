package dev.dspy4j.redis;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.CacheListener;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLSocketFactory;

/**
 * A response cache in Redis, shared by every process and machine that uses the same server
 * and {@linkplain Builder#prefix prefix}, with a size-bounded {@link MemoryCache} of this process in
 * front. Thread-safe; one instance per JVM is enough (it holds a connection pool).
 *
 * <ul>
 *   <li>Key: the prefix (default {@value #DEFAULT_PREFIX}) and the 32 bytes of the {@link CacheKey},
 *       binary. Value: the {@link dev.dspy4j.cache.ResponseCodec} bytes, the same as the disk cache's. An optional time to
 *       live ({@code SET ... PX}) applies to Redis and to the memory layer.</li>
 *   <li>Identical requests in flight in several processes make one LM call: {@link #lease} takes
 *       {@code <prefix>lease:<key>} with {@code SET NX PX} for the caller that sends, renewing it while
 *       the call runs; the others poll for the value (5 ms doubling to 100 ms) until it is stored, or
 *       until the lease is gone (its holder failed, died, or held it longer than the {@linkplain
 *       Builder#leaseWait lease wait}), then try to take it themselves.</li>
 *   <li>A Redis that is down or slow (connect and read {@linkplain Builder#timeout timeouts}, default
 *       500 ms) never fails a call: a lookup is a miss, a write is skipped, a lease is granted at once.
 *       One warning per outage, not per call; while down, Redis is tried again once per
 *       {@linkplain Builder#retryAfter retry interval}, and the cache is shared again when it answers.
 *       A wait for a pooled connection that times out (all {@linkplain Builder#maxConnections connections}
 *       busy) skips that operation but is not an outage. Every absorbed failure is told to the
 *       {@linkplain Builder#listener listener}.</li>
 * </ul>
 * Only standard commands are used (GET, SET with NX/PX, PTTL, EXISTS, EVAL, PING; AUTH and SELECT as the URI asks,
 * so an ACL user needs them all); tested with Redis 7.0. Valkey
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
    /** The default key prefix. */
    public static final String DEFAULT_PREFIX = "dspy4j:";
    /** The environment variable {@link Builder#uri} reads the password from when the URI has none. */
    public static final String PASSWORD_ENV = "DSPY4J_REDIS_PASSWORD";

    private final RedisAddress address;
    private final RedisStore store;
    private final MemoryCache memory;
    private final RedisHealth health;
    private final RedisLeases leases;
    private final RedisValues values;
    private final Duration timeout;

    private RedisCache(Builder b) {
        this.address = b.address;
        this.store = new RedisStore(address, b.prefix, b.ttl, b.timeout, b.maxConnections, b.sslSocketFactory);
        this.memory = b.memoryBytes == 0 ? null : memoryLayer(b.memoryBytes, b.ttl);
        this.timeout = b.timeout;
        this.health = new RedisHealth(address.toString(), b.retryAfter.toNanos(), b.listener);
        this.leases = new RedisLeases(store.client(), health, b.leaseTime, b.leaseWait);
        this.values = new RedisValues(address, store, memory, health, leases);
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

    /** {@return the memory layer in front of Redis, or null if built with {@code memoryBytes(0)}} */
    public MemoryCache memory() {
        return memory;
    }

    /** {@return true while Redis is taken as unreachable (lookups are misses and answers are not shared)} */
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
        return values.get(key);
    }

    @Override
    public void put(CacheKey key, LmResponse response) {
        values.put(key, response);
    }

    /**
     * Waits while another process holds the lease on {@code key}; see the class comment. Never throws: an
     * unreachable Redis, a wait longer than {@link Builder#leaseWait} or an interrupt grant at once (the
     * interrupt stays set).
     */
    @Override
    public CacheLease lease(CacheKey key) {
        return leases.lease(leaseKey(key), redisKey(key), values::read, value -> values.remember(key, value));
    }

    /** {@return the Redis side: client, keys, commands (tests hold its pooled connections)} */
    RedisStore store() {
        return store;
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
         * {@value #PASSWORD_ENV} is used if set. User and password are percent-decoded.
         *
         * @param uri the server's URI
         * @return this builder
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
         *
         * @param f the factory of TLS sockets; not null
         * @return this builder
         */
        public Builder sslSocketFactory(SSLSocketFactory f) {
            this.sslSocketFactory = Objects.requireNonNull(f, "sslSocketFactory");
            return this;
        }

        /**
         * The password, over the URI's and the environment's.
         *
         * @param password the password; null or empty for none
         * @return this builder
         * @throws IllegalStateException before {@link #uri}
         */
        public Builder password(String password) {
            requireUri("password");
            this.address = address.withPassword(password == null || password.isEmpty() ? null : password);
            return this;
        }

        /**
         * The start of every key this cache writes; caches with the same server and prefix share entries.
         *
         * @param p the prefix (default {@value #DEFAULT_PREFIX}); may be empty, not null
         * @return this builder
         */
        public Builder prefix(String p) {
            this.prefix = Objects.requireNonNull(p, "prefix");
            return this;
        }

        /**
         * How long Redis (and the memory layer) keeps a response; default: until Redis evicts it.
         *
         * @param d at least 1 ms
         * @return this builder
         */
        public Builder ttl(Duration d) {
            this.ttl = positive("ttl", d);
            if (d.toMillis() < 1) throw new IllegalArgumentException("ttl must be at least 1 ms, not " + d);
            return this;
        }

        /**
         * The memory layer's limit.
         *
         * @param bytes the limit in bytes (default 64 MiB); 0 for no memory layer
         * @return this builder
         */
        public Builder memoryBytes(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("memoryBytes must be 0 or more, not " + bytes);
            this.memoryBytes = bytes;
            return this;
        }

        /**
         * The connect and read timeout of one Redis command, and the wait for a pooled connection.
         *
         * @param d a positive duration (default 500 ms); a command slower than this marks Redis down
         * @return this builder
         */
        public Builder timeout(Duration d) {
            this.timeout = positive("timeout", d);
            return this;
        }

        /**
         * While Redis is down, how long to go without it before trying again.
         *
         * @param d a positive duration (default 5 s)
         * @return this builder
         */
        public Builder retryAfter(Duration d) {
            this.retryAfter = positive("retryAfter", d);
            return this;
        }

        /**
         * How long a lease lasts unless renewed (default 10 s); its holder renews it every third of that
         * while its call runs, so this is how soon the others take over when the holder dies.
         *
         * @param d at least 30 ms
         * @return this builder
         */
        public Builder leaseTime(Duration d) {
            this.leaseTime = positive("leaseTime", d);
            if (d.toMillis() < 30) throw new IllegalArgumentException("leaseTime must be at least 30 ms, not " + d);
            return this;
        }

        /**
         * The longest a caller waits for another process's call before sending itself, and the longest a
         * caller renews its own lease (a call that hangs then lets the others send).
         *
         * @param d a positive duration (default 10 min)
         * @return this builder
         */
        public Builder leaseWait(Duration d) {
            this.leaseWait = positive("leaseWait", d);
            return this;
        }

        /**
         * The most connections to Redis at once; callers beyond wait up to the {@link #timeout}.
         *
         * @param n 1 or more (default 16)
         * @return this builder
         */
        public Builder maxConnections(int n) {
            if (n < 1) throw new IllegalArgumentException("maxConnections must be at least 1, not " + n);
            this.maxConnections = n;
            return this;
        }

        /**
         * Told about every failure or skipped operation the cache absorbs, on the thread that met it.
         *
         * @param l e.g. a {@code CacheFailureCounter}; not null
         * @return this builder
         */
        public Builder listener(CacheListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Builds the cache. It connects lazily: a server that is down now makes the first operations
         * misses, not an error ({@link RedisCache#check()} tells a refused configuration from an outage).
         *
         * @return the cache; close it to give back its leases and connections
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
