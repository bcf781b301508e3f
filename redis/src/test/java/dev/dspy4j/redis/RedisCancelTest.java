package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.cache.CacheFailureCounter;
import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.CallExecutors;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.testing.LoopbackChatServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;

/**
 * A call cancelled with {@code cancel(true)} (through {@link CallExecutors#shared()}: a virtual thread per
 * call on Java 21+, where the interrupt closes the socket of a Redis command in progress) gives its lease
 * back at once, sends nothing while it waited, and is not taken for a Redis outage. The failure this
 * guards against shows on Java 21+ (e.g. {@code -Djvm=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java});
 * on Java 17 the shared executor's threads are platform threads, whose socket I/O ignores interrupts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisCancelTest {
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

    private static LmRequest ask(String question) {
        return LmRequest.of(Prompt.of(Message.user(question)));
    }

    private static AbstractLanguageModel lm(LoopbackChatServer server, RedisCache cache) {
        return OpenAiChat.builder()
                .baseUrl(server.baseUrl())
                .model("loopback")
                .apiKey("unused")
                .cache(cache)
                .maxAttempts(1)
                .build();
    }

    /** The shared async executor, counting down {@code ended} when a call's body (and its finally blocks) is over. */
    private static Executor sharedCounting(CountDownLatch ended) {
        return task -> CallExecutors.shared().execute(() -> {
            try {
                task.run();
            } finally {
                ended.countDown();
            }
        });
    }

    private static boolean leaseGone(byte[] leaseKey) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (raw.exists(leaseKey) && System.nanoTime() < until) Thread.sleep(5);
        return !raw.exists(leaseKey);
    }

    @Test
    void aCallCancelledWhileItHoldsTheLeaseGivesItBackAndRedisIsNotTakenAsDown() throws Exception {
        CacheFailureCounter failures = new CacheFailureCounter();
        CountDownLatch ended = new CountDownLatch(1);
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                        .respond(r -> {
                            try {
                                Thread.sleep(30_000); // longer than the test waits: only the cancel ends the call
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            return "late";
                        })
                        .start();
                LogCapture logs = new LogCapture();
                // a lease that would outlive the test: only giving it back makes it go
                RedisCache cache = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix("cancel1:")
                        .leaseTime(Duration.ofMinutes(5))
                        .listener(failures)
                        .build()) {
            AbstractLanguageModel lm = lm(server, cache);
            byte[] leaseKey = cache.leaseKey(lm.cacheKey(ask("q")));
            CompletableFuture<LmResponse> call = lm.completeAsync(ask("q"), sharedCounting(ended));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.requestCount() < 1 && System.nanoTime() < until) Thread.sleep(5);
            assertThat(raw.exists(leaseKey)).as("held while the call runs").isTrue();

            call.cancel(true);
            assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();

            assertThat(leaseGone(leaseKey))
                    .as("the cancelled call gave its lease back")
                    .isTrue();
            assertThat(cache.isDown())
                    .as("a cancelled call is not a Redis outage")
                    .isFalse();
            assertThat(logs.warnings()).isEmpty();
            cache.put(Responses.key("after"), Responses.response("stored"));
            assertThat(raw.exists(cache.redisKey(Responses.key("after"))))
                    .as("still shared")
                    .isTrue();
        }
    }

    @Test
    void aCallCancelledWhileWaitingForAnotherProcesssLeaseSendsNothingAndRedisIsNotTakenAsDown() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        try (LoopbackChatServer server = LoopbackChatServer.start("unused");
                LogCapture logs = new LogCapture();
                RedisCache holder =
                        RedisCache.builder().uri(redis.uri()).prefix("cancel2:").build();
                RedisCache waiter =
                        RedisCache.builder().uri(redis.uri()).prefix("cancel2:").build()) {
            AbstractLanguageModel lm = lm(server, waiter);
            CacheKey key = lm.cacheKey(ask("q"));
            CacheLease held = holder.lease(key);
            assertThat(held.granted()).isTrue();
            CompletableFuture<LmResponse> call = lm.completeAsync(ask("q"), sharedCounting(ended));
            Thread.sleep(300); // the waiter is polling for the holder's value
            assertThat(call).isNotDone();

            call.cancel(true);
            assertThat(ended.await(30, TimeUnit.SECONDS)).isTrue();

            assertThat(server.requestCount())
                    .as("a cancelled waiter sends nothing")
                    .isZero();
            assertThat(waiter.isDown()).isFalse();
            assertThat(logs.warnings()).isEmpty();
            held.close();
            assertThat(raw.exists(holder.leaseKey(key))).isFalse();
        }
    }
}
