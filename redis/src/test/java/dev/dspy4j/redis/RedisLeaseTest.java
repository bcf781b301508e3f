package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.testing.LoopbackChatServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;

/**
 * Identical requests in flight in different caches, threads and processes make one LM call, counted by
 * the loopback chat server; a lease whose holder dies expires and another caller sends.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hung child, not a timing assertion
class RedisLeaseTest {
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

    private static String prefix() {
        return "lease" + PREFIXES.incrementAndGet() + ":";
    }

    private static LanguageModel lm(LoopbackChatServer server, RedisCache cache) {
        return OpenAiChat.builder()
                .baseUrl(server.baseUrl())
                .model("loopback")
                .apiKey("unused")
                .cache(cache)
                .maxAttempts(1)
                .build();
    }

    private static LmRequest ask(String question) {
        return LmRequest.of(Prompt.of(Message.user(question)));
    }

    /** A responder that answers after {@code millis}, so identical requests overlap. */
    private static LoopbackChatServer slowServer(long millis, String answer) {
        return LoopbackChatServer.builder()
                .respond(r -> {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return answer;
                })
                .start();
    }

    @Test
    void twoThreadsWithTheirOwnCachesAndLmsMakeOneCall() throws Exception {
        String prefix = prefix();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (LoopbackChatServer server = slowServer(800, "forty-two");
                RedisCache a =
                        RedisCache.builder().uri(redis.uri()).prefix(prefix).build();
                RedisCache b =
                        RedisCache.builder().uri(redis.uri()).prefix(prefix).build()) {
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<LmResponse>> answers = new ArrayList<>();
            for (RedisCache cache : List.of(a, b)) {
                LanguageModel lm = lm(server, cache);
                answers.add(pool.submit(() -> {
                    start.await();
                    return lm.complete(ask("what is six times seven?"));
                }));
            }
            LmResponse first = answers.get(0).get(60, TimeUnit.SECONDS);
            LmResponse second = answers.get(1).get(60, TimeUnit.SECONDS);

            assertThat(server.requestCount()).isEqualTo(1);
            assertThat(first.first().text()).isEqualTo("forty-two");
            assertThat(second.first().text()).isEqualTo("forty-two");
            assertThat(List.of(first.cacheHit(), second.cacheHit())).containsExactlyInAnyOrder(true, false);
            assertThat(raw.keys((prefix + "lease:*").getBytes(StandardCharsets.UTF_8)))
                    .as("lease given back")
                    .isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoChildJvmsAskingTheSameQuestionAtOnceMakeOneCall() throws Exception {
        String prefix = prefix();
        try (LoopbackChatServer server = slowServer(1500, "paris");
                ChildJvm one = new ChildJvm(redis.uri(), server.baseUrl(), "capital of France?", "10000", prefix);
                ChildJvm two = new ChildJvm(redis.uri(), server.baseUrl(), "capital of France?", "10000", prefix)) {
            assertThat(one.line()).isEqualTo("ready");
            assertThat(two.line()).isEqualTo("ready");
            one.go();
            two.go();
            List<String> lines = List.of(one.line(), two.line());

            assertThat(lines).containsExactlyInAnyOrder("answer sent paris", "answer hit paris");
            assertThat(server.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void whenTheLeaseHolderIsKilledItsLeaseExpiresAndAWaitingCallerSends() throws Exception {
        String prefix = prefix();
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger seen = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        long leaseMs = 2000;
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                        .respond(r -> {
                            if (seen.incrementAndGet() == 1) { // the child's call never ends: it is killed meanwhile
                                try {
                                    releaseFirst.await(2, TimeUnit.MINUTES);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                return "too late";
                            }
                            return "rome";
                        })
                        .start();
                ChildJvm holder = new ChildJvm(
                        redis.uri(), server.baseUrl(), "capital of Italy?", Long.toString(leaseMs), prefix);
                RedisCache cache = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix(prefix)
                        .leaseTime(Duration.ofMillis(leaseMs))
                        .build()) {
            assertThat(holder.line()).isEqualTo("ready");
            holder.go();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.requestCount() < 1 && System.nanoTime() < until) Thread.sleep(10);
            assertThat(server.requestCount())
                    .as("the child's call reached the server")
                    .isEqualTo(1);
            assertThat(raw.keys((prefix + "lease:*").getBytes(StandardCharsets.UTF_8)))
                    .hasSize(1);

            LanguageModel lm = lm(server, cache);
            CompletableFuture<LmResponse> waiting =
                    CompletableFuture.supplyAsync(() -> lm.complete(ask("capital of Italy?")), pool);
            // while the holder lives it renews its lease, however long its call takes
            Thread.sleep(3 * leaseMs);
            assertThat(waiting).as("still waiting for the live holder").isNotDone();
            assertThat(server.requestCount()).isEqualTo(1);

            holder.kill();
            LmResponse r = waiting.get(60, TimeUnit.SECONDS);

            assertThat(r.first().text()).isEqualTo("rome");
            assertThat(r.cacheHit()).isFalse();
            assertThat(server.requestCount()).isEqualTo(2);
        } finally {
            releaseFirst.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aWaiterGetsTheValueStoredByTheHolderOrTheLeaseWhenTheHolderGivesItBackEmpty() throws Exception {
        String prefix = prefix();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (RedisCache holder =
                        RedisCache.builder().uri(redis.uri()).prefix(prefix).build();
                RedisCache waiter =
                        RedisCache.builder().uri(redis.uri()).prefix(prefix).build()) {
            CacheKey stored = Responses.key("stored");
            CacheLease held = holder.lease(stored);
            assertThat(held.granted()).isTrue();
            Future<CacheLease> w = pool.submit(() -> waiter.lease(stored));
            Thread.sleep(200);
            assertThat(w).isNotDone();
            holder.put(stored, Responses.response("shared"));
            held.close();
            CacheLease answered = w.get(30, TimeUnit.SECONDS);
            assertThat(answered.granted()).isFalse();
            assertThat(answered.response().first().text()).isEqualTo("shared");

            CacheKey failed = Responses.key("failed");
            CacheLease held2 = holder.lease(failed);
            Future<CacheLease> w2 = pool.submit(() -> waiter.lease(failed));
            Thread.sleep(200);
            assertThat(w2).isNotDone();
            held2.close(); // the holder's call failed: nothing stored
            CacheLease taken = w2.get(30, TimeUnit.SECONDS);
            assertThat(taken.granted()).isTrue();
            taken.close();
            assertThat(raw.keys((prefix + "lease:*").getBytes(StandardCharsets.UTF_8)))
                    .isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aValueStoredBetweenTheMissAndTheLeaseIsTheAnswerNotASecondCall() {
        String prefix = prefix();
        CacheKey key = Responses.key("raced");
        try (RedisCache late =
                        RedisCache.builder().uri(redis.uri()).prefix(prefix).build();
                RedisCache early =
                        RedisCache.builder().uri(redis.uri()).prefix(prefix).build()) {
            assertThat(late.get(key)).isNull(); // the late caller misses...
            CacheLease first = early.lease(key); // ...while the early one sends, stores and gives the lease back
            early.put(key, Responses.response("first"));
            first.close();

            CacheLease lease = late.lease(key);

            assertThat(lease.granted()).isFalse();
            assertThat(lease.response().first().text()).isEqualTo("first");
            assertThat(raw.keys((prefix + "lease:*").getBytes(StandardCharsets.UTF_8)))
                    .isEmpty();
        }
    }

    @Test
    void aLeaseGivenBackAfterItExpiredAndWasTakenByAnotherDoesNotDeleteTheOthersLease() throws Exception {
        String prefix = prefix();
        CacheKey key = Responses.key("k");
        try (RedisCache slow = RedisCache.builder()
                        .uri(redis.uri())
                        .prefix(prefix)
                        .leaseTime(Duration.ofMillis(100))
                        .build();
                RedisCache other =
                        RedisCache.builder().uri(redis.uri()).prefix(prefix).build()) {
            byte[] leaseKey = slow.leaseKey(key);
            CacheLease first = slow.lease(key);
            raw.del(leaseKey); // as if it had expired during a long pause of its holder
            CacheLease second = other.lease(key);
            assertThat(second.granted()).isTrue();
            byte[] owner = raw.get(leaseKey);

            first.close();

            assertThat(raw.get(leaseKey)).as("the other's lease is kept").isEqualTo(owner);
            second.close();
            assertThat(raw.exists(leaseKey)).isFalse();
        }
    }
}
