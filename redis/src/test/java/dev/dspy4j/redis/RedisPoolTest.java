package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.cache.CacheFailureCounter;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheLease;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Connection;

/**
 * A busy pool is not an outage: when every pooled connection stays in use past the timeout, the
 * operation that waited is skipped (a miss, a local lease), but Redis is not marked down, so the next
 * operation uses it at once instead of skipping it for the retry interval.
 */
class RedisPoolTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @Test
    void aWaitForAPooledConnectionThatTimesOutSkipsTheOperationWithoutMarkingRedisDown() {
        CacheFailureCounter failures = new CacheFailureCounter();
        try (LogCapture logs = new LogCapture();
                RedisCache cache = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix("pool:")
                        .memoryBytes(0)
                        .maxConnections(1)
                        .timeout(Duration.ofMillis(100))
                        .retryAfter(Duration.ofMinutes(1))
                        .listener(failures)
                        .build();
                RedisCache other = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix("pool:")
                        .memoryBytes(0)
                        .build()) {
            other.put(Responses.key("q"), Responses.response("stored"));

            Connection busy = cache.store().client().getPool().getResource(); // the only connection
            try {
                assertThat(cache.get(Responses.key("q"))).isNull();
                CacheLease lease = cache.lease(Responses.key("q2"));
                assertThat(lease.granted()).isTrue();
                lease.close();
                assertThat(cache.isDown()).as("a busy pool is not an outage").isFalse();
            } finally {
                busy.close(); // back to the pool
            }

            assertThat(cache.get(Responses.key("q")))
                    .as("used at once, not after retryAfter")
                    .isEqualTo(Responses.response("stored"));
            assertThat(failures.count(CacheFailure.Operation.READ)).isEqualTo(1);
            assertThat(failures.first().message()).contains("no pooled connection came free in time");
            assertThat(logs.warnings())
                    .singleElement()
                    .asString()
                    .contains("found no free pooled connection within the timeout and was skipped; this is not an"
                            + " outage");
        }
    }
}
