package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.cache.CacheFailureCounter;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheLease;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A holder whose call hangs (alive, so its lease would be renewed for ever) keeps the others waiting no
 * longer than its lease wait: then it stops renewing, the lease lapses, and a waiter sends itself instead
 * of waiting its own lease wait (10 minutes by default).
 */
class RedisHungHolderTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @Test
    void aWaiterTakesOverFromAHolderThatHeldItsLeaseLongerThanTheLeaseWait() throws Exception {
        CacheFailureCounter holderFailures = new CacheFailureCounter();
        try (RedisCache holder = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix("hung:")
                        .leaseTime(Duration.ofMillis(150))
                        .leaseWait(Duration.ofMillis(600))
                        .listener(holderFailures)
                        .build();
                RedisCache waiter = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix("hung:")
                        .leaseWait(Duration.ofMinutes(10))
                        .build()) {
            CacheLease hung = holder.lease(Responses.key("q")); // granted, and never closed: the call hangs
            assertThat(hung.granted()).isTrue();
            Thread.sleep(400); // renewed past its lease time meanwhile

            long t0 = System.nanoTime();
            CacheLease mine = CompletableFuture.supplyAsync(() -> waiter.lease(Responses.key("q")))
                    .get(30, TimeUnit.SECONDS);
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;

            assertThat(mine.granted()).as("the waiter sends itself").isTrue();
            assertThat(waitedMs).as("not the waiter's 10-minute lease wait").isLessThan(20_000);
            assertThat(holderFailures.count(CacheFailure.Operation.LEASE)).isEqualTo(1);
            assertThat(holderFailures.first().message())
                    .contains("held its lease longer than the lease wait (600 ms); no longer renewed");
            mine.close();
            hung.close();
        }
    }
}
