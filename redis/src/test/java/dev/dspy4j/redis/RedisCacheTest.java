package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.cache.CacheFailureCounter;
import dev.dspy4j.cache.ResponseCodec;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.LmResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/** Hits, misses, binary keys, prefixes, TTL and stored bytes against a real redis-server. */
class RedisCacheTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    static RedisServerProcess redis;
    static RedisClient raw;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
        raw = RedisClient.create(redis.uri());
    }

    @AfterAll
    static void stopRedis() {
        if (raw != null) raw.close();
        if (redis != null) redis.close();
    }

    /** A prefix no other test uses. */
    private static String prefix() {
        return "t" + PREFIXES.incrementAndGet() + ":";
    }

    private static byte[] bytes(String prefix, CacheKey key) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(p, p.length + 32);
        System.arraycopy(key.bytes(), 0, out, p.length, 32);
        return out;
    }

    @Test
    void aResponseStoredByOneCacheIsAHitInAnotherOnTheSameServerAndPrefix() {
        String prefix = prefix();
        LmResponse r = Responses.response("four");
        try (RedisCache writer =
                        RedisCache.builder().uri(redis.uri()).prefix(prefix).build();
                RedisCache reader = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix(prefix)
                        .memoryBytes(0)
                        .build()) {
            assertThat(reader.get(Responses.key("q"))).isNull();
            writer.put(Responses.key("q"), r);

            assertThat(reader.get(Responses.key("q"))).isEqualTo(r);
            assertThat(reader.get(Responses.key("other"))).isNull();
            assertThat(reader.memory()).isNull();
        }
    }

    @Test
    void theKeyIsThePrefixAndThe32KeyBytesAndTheValueIsTheCodecsBytes() {
        String prefix = prefix();
        LmResponse r = Responses.response("stored");
        CacheKey key = Responses.key("k");
        try (RedisCache cache =
                RedisCache.builder().uri(redis.uri()).prefix(prefix).build()) {
            cache.put(key, r);
        }
        Set<byte[]> keys = raw.keys((prefix + "*").getBytes(StandardCharsets.UTF_8));
        assertThat(keys).hasSize(1);
        assertThat(keys.iterator().next()).isEqualTo(bytes(prefix, key)).hasSize(prefix.length() + 32);
        assertThat(raw.get(bytes(prefix, key))).isEqualTo(ResponseCodec.encode(r));
        assertThat(raw.pttl(bytes(prefix, key))).isEqualTo(-1L); // no TTL unless asked
    }

    @Test
    void binaryKeysWithEveryByteValueStayDistinct() {
        String prefix = prefix();
        try (RedisCache cache = RedisCache.builder()
                .uri(redis.uri())
                .prefix(prefix)
                .memoryBytes(0)
                .build()) {
            // keys made of zero bytes, CR LF, 0xFF and keys that differ only in their last byte
            byte[][] raws = new byte[8][32];
            for (int i = 0; i < 32; i++) {
                raws[1][i] = (byte) 0xFF;
                raws[2][i] = (byte) (i % 2 == 0 ? '\r' : '\n');
                raws[3][i] = (byte) i;
                raws[4][i] = (byte) (i * 8);
                raws[5][i] = (byte) ' ';
                raws[6][i] = (byte) i;
                raws[7][i] = (byte) '*';
            }
            raws[6][31] = (byte) 0x80;
            for (int i = 0; i < raws.length; i++) cache.put(CacheKey.ofBytes(raws[i]), Responses.response("v" + i));
            for (int i = 0; i < raws.length; i++) {
                assertThat(cache.get(CacheKey.ofBytes(raws[i]))).isEqualTo(Responses.response("v" + i));
            }
            assertThat(raw.keys((prefix + "*").getBytes(StandardCharsets.UTF_8)))
                    .hasSize(raws.length);
        }
    }

    @Test
    void cachesWithDifferentPrefixesDoNotSeeEachOthersEntriesAndAnEmptyPrefixIsAllowed() {
        String a = prefix();
        String b = prefix();
        try (RedisCache ca = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix(a)
                        .memoryBytes(0)
                        .build();
                RedisCache cb = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix(b)
                        .memoryBytes(0)
                        .build();
                RedisCache bare = RedisCache.builder()
                        .uri(redis.uri() + "/3")
                        .prefix("")
                        .memoryBytes(0)
                        .build()) {
            ca.put(Responses.key("q"), Responses.response("from a"));
            assertThat(cb.get(Responses.key("q"))).isNull();
            cb.put(Responses.key("q"), Responses.response("from b"));
            assertThat(ca.get(Responses.key("q")).first().text()).isEqualTo("from a");
            assertThat(cb.get(Responses.key("q")).first().text()).isEqualTo("from b");

            bare.put(Responses.key("q"), Responses.response("bare"));
            assertThat(bare.get(Responses.key("q")).first().text()).isEqualTo("bare");
        }
        try (RedisClient db3 = RedisClient.create(redis.uri() + "/3")) {
            assertThat(db3.get(Responses.key("q").bytes())).isEqualTo(ResponseCodec.encode(Responses.response("bare")));
        }
        assertThat(raw.get(Responses.key("q").bytes())).isNull(); // database 0 has no bare key
    }

    @Test
    void aTtlExpiresTheEntryInRedisAndInTheMemoryLayer() throws InterruptedException {
        String prefix = prefix();
        CacheKey key = Responses.key("short-lived");
        try (RedisCache cache = RedisCache.builder()
                .uri(redis.uri())
                .prefix(prefix)
                .ttl(Duration.ofMillis(300))
                .build()) {
            cache.put(key, Responses.response("soon gone"));
            long pttl = raw.pttl(bytes(prefix, key));
            assertThat(pttl).isBetween(1L, 300L);
            assertThat(cache.get(key)).isNotNull();

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (raw.exists(bytes(prefix, key)) && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(raw.exists(bytes(prefix, key))).as("expired in Redis").isFalse();
            assertThat(cache.get(key)).as("expired in memory too").isNull();
        }
    }

    @Test
    void anEntryReadFromRedisLeavesTheMemoryLayerWhenItsRemainingTimeInRedisRunsOut() throws InterruptedException {
        String prefix = prefix();
        CacheKey key = Responses.key("stored by another process an hour ago");
        // another process stored it with the same one-hour TTL; 300 ms of it are left
        raw.set(
                bytes(prefix, key),
                ResponseCodec.encode(Responses.response("old")),
                SetParams.setParams().px(300));
        try (RedisCache cache = RedisCache.builder()
                .uri(redis.uri())
                .prefix(prefix)
                .ttl(Duration.ofHours(1))
                .build()) {
            assertThat(cache.get(key)).isNotNull();

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (raw.exists(bytes(prefix, key)) && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(raw.exists(bytes(prefix, key))).as("expired in Redis").isFalse();
            Thread.sleep(50); // the memory layer's clock is not Redis's
            assertThat(cache.get(key))
                    .as("gone from memory too, not kept another hour")
                    .isNull();

            // the same through a lease: a waiter answered from Redis keeps the answer no longer than Redis does
            CacheKey leased = Responses.key("answered to a waiter");
            raw.set(
                    bytes(prefix, leased),
                    ResponseCodec.encode(Responses.response("shared")),
                    SetParams.setParams().px(300));
            try (CacheLease lease = cache.lease(leased)) {
                assertThat(lease.granted()).isFalse();
            }
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (raw.exists(bytes(prefix, leased)) && System.nanoTime() < deadline) Thread.sleep(20);
            Thread.sleep(50);
            assertThat(cache.memory().get(leased)).isNull();
        }
    }

    @Test
    void aValueThisVersionCannotReadIsAMissToldToTheListenerAndWarnedOnce() {
        String prefix = prefix();
        CacheFailureCounter failures = new CacheFailureCounter();
        raw.set(bytes(prefix, Responses.key("a")), "{\"v\":99}".getBytes(StandardCharsets.UTF_8));
        raw.set(bytes(prefix, Responses.key("b")), "not json".getBytes(StandardCharsets.UTF_8));
        try (LogCapture logs = new LogCapture();
                RedisCache cache = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix(prefix)
                        .listener(failures)
                        .build()) {
            assertThat(cache.get(Responses.key("a"))).isNull();
            assertThat(cache.get(Responses.key("b"))).isNull();

            assertThat(failures.count(CacheFailure.Operation.DECODE)).isEqualTo(2);
            assertThat(failures.first().message()).contains("version 99").doesNotContain("ERR");
            assertThat(logs.warnings()).hasSize(1);
            assertThat(cache.isDown()).isFalse();
        }
    }

    @Test
    void theMemoryLayerAnswersWithoutRedisAfterTheFirstHit() {
        String prefix = prefix();
        CacheKey key = Responses.key("hot");
        try (RedisCache cache =
                RedisCache.builder().uri(redis.uri()).prefix(prefix).build()) {
            raw.set(bytes(prefix, key), ResponseCodec.encode(Responses.response("hot")));
            assertThat(cache.get(key).first().text()).isEqualTo("hot");
            raw.del(bytes(prefix, key));
            assertThat(cache.get(key).first().text()).isEqualTo("hot"); // from memory
        }
    }

    @Test
    void toStringShowsTheServerButNotThePassword() {
        try (RedisCache cache = RedisCache.builder()
                .uri("redis://app:s3cret-pass@127.0.0.1:" + redis.port() + "/2")
                .prefix("p:")
                .ttl(Duration.ofHours(1))
                .build()) {
            assertThat(cache.toString())
                    .isEqualTo(
                            "RedisCache[redis://app:***@127.0.0.1:" + redis.port() + "/2, prefix p:, ttl 3600000 ms]")
                    .doesNotContain("s3cret");
        }
    }
}
