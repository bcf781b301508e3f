package dev.dspy4j.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;

/**
 * The Redis side of one {@link RedisCache}: the pooled Jedis client for its {@link RedisAddress}
 * (database, credentials, TLS, timeouts), the keys under its prefix, and the plain commands on them
 * (GET with PTTL, SET with PX). Failures are thrown as Jedis throws them; {@link RedisCache} decides what an
 * outage is.
 */
final class RedisStore implements AutoCloseable {
    private final RedisClient client;
    private final byte[] prefix;
    private final byte[] leasePrefix;
    private final long ttlMillis;

    /**
     * @param ttl            how long a value lives ({@code SET ... PX}), or null for no limit
     * @param timeout        connect and read timeout of one command, and the wait for a pooled connection
     * @param sslSocketFactory TLS sockets for {@code rediss://}, or null for the JVM's default
     */
    // ssl(boolean), sslParameters and sslSocketFactory are deprecated in Jedis 8 for sslOptions(SslOptions), which
    // also changes how the server's certificate is checked; they stay until a TLS test covers that switch
    @SuppressWarnings("deprecation")
    RedisStore(
            RedisAddress address,
            String prefix,
            Duration ttl,
            Duration timeout,
            int maxConnections,
            SSLSocketFactory sslSocketFactory) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.leasePrefix = (prefix + "lease:").getBytes(StandardCharsets.UTF_8);
        this.ttlMillis = ttl == null ? 0 : ttl.toMillis();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .database(address.database())
                .ssl(address.tls())
                .clientName("dspy4j");
        if (address.tls()) {
            SSLParameters tls = new SSLParameters();
            tls.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host, as for HTTPS
            config.sslParameters(tls);
            if (sslSocketFactory != null) config.sslSocketFactory(sslSocketFactory);
        }
        if (address.user() != null) config.user(address.user());
        if (address.password() != null) config.password(address.password());
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(maxConnections);
        pool.setMaxIdle(maxConnections);
        pool.setMaxWait(timeout);
        pool.setBlockWhenExhausted(true);
        this.client = RedisClient.builder()
                .hostAndPort(new HostAndPort(address.host(), address.port()))
                .clientConfig(config.build())
                .poolConfig(pool)
                .build();
    }

    /**
     * A value read from Redis and its remaining time to live in ms (-1: none, as PTTL answers), read
     * together when a TTL is set, so the memory layer does not keep an entry after Redis dropped it.
     */
    @SuppressWarnings("ArrayRecordComponent") // the bytes go straight to the decoder, never compared
    record Stored(byte[] bytes, long pttl) {}

    /** {@return the pooled client, for the lease commands} */
    RedisClient client() {
        return client;
    }

    /** {@return the time to live of a stored value in ms, or 0 for none} */
    long ttlMillis() {
        return ttlMillis;
    }

    /** {@return the prefix of every key, as configured} */
    String prefix() {
        return new String(prefix, StandardCharsets.UTF_8);
    }

    /**
     * GET, and PTTL in the same round trip when {@code withTtl} (a value's remaining life bounds the memory
     * layer's); null on a miss.
     */
    Stored read(byte[] redisKey, boolean withTtl) {
        if (ttlMillis <= 0 || !withTtl) {
            byte[] v = client.get(redisKey);
            return v == null ? null : new Stored(v, -1);
        }
        try (AbstractPipeline p = client.pipelined()) {
            Response<byte[]> v = p.get(redisKey);
            Response<Long> pttl = p.pttl(redisKey);
            p.sync();
            return v.get() == null ? null : new Stored(v.get(), pttl.get());
        }
    }

    /** SET, with PX when values have a time to live. */
    void write(byte[] redisKey, byte[] value) {
        if (ttlMillis > 0) client.set(redisKey, value, SetParams.setParams().px(ttlMillis));
        else client.set(redisKey, value);
    }

    /** {@return the key of a value: the prefix, then the 32 bytes of the cache key} */
    byte[] valueKey(byte[] cacheKey) {
        return concat(prefix, cacheKey);
    }

    /** {@return the key of a lease: the prefix, {@code lease:}, then the 32 bytes of the cache key} */
    byte[] leaseKey(byte[] cacheKey) {
        return concat(leasePrefix, cacheKey);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Closes the pool's connections. */
    @Override
    public void close() {
        client.close();
    }
}
