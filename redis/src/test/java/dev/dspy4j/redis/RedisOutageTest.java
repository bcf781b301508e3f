package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.cache.CacheFailureCounter;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Redis that is killed, stopped (so it answers nothing: slow) or never there fails no call: lookups
 * are misses and writes are skipped, with exactly one warning per outage, and the cache is shared
 * again once Redis is back.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedisOutageTest {

    private static LmRequest ask(String question) {
        return LmRequest.of(Prompt.of(Message.user(question)));
    }

    private static RedisCache.Builder quick(String uri, CacheFailureCounter failures) {
        return RedisCache.builder()
                .uri(uri)
                .prefix("outage:")
                .timeout(Duration.ofMillis(200))
                .retryAfter(Duration.ofMillis(200))
                .listener(failures);
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

    /** Asks until the cache is no longer down (a probe is due every retry interval); fails after 30 s. */
    private static void askUntilUp(LanguageModel lm, RedisCache cache) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; cache.isDown() && System.nanoTime() < until; i++) {
            lm.complete(ask("probe " + i));
            Thread.sleep(50);
        }
        assertThat(cache.isDown()).as("Redis is used again").isFalse();
    }

    @Test
    void redisKilledMidRunFailsNoCallWarnsOnceAndIsUsedAgainAfterARestart() throws Exception {
        CacheFailureCounter failures = new CacheFailureCounter();
        try (RedisServerProcess redis = RedisServerProcess.start();
                LoopbackChatServer server = LoopbackChatServer.start("ok");
                LogCapture logs = new LogCapture();
                RedisCache cache = quick(redis.uri(), failures).build()) {
            LanguageModel lm = lm(server, cache);
            for (int i = 0; i < 10; i++)
                assertThat(lm.complete(ask("before " + i)).cacheHit()).isFalse();
            assertThat(server.requestCount()).isEqualTo(10);

            redis.kill();
            for (int i = 0; i < 10; i++) {
                assertThat(lm.complete(ask("during " + i)).first().text()).isEqualTo("ok");
                assertThat(lm.complete(ask("before " + i)).cacheHit())
                        .as("the memory layer still answers")
                        .isTrue();
            }
            assertThat(server.requestCount()).isEqualTo(20);
            assertThat(cache.isDown()).isTrue();
            assertThat(logs.warnings()).hasSize(1);
            assertThat(logs.warnings().get(0))
                    .contains("Redis at redis://127.0.0.1:" + redis.port() + " failed")
                    .contains("one warning per outage");
            assertThat(failures.reads() + failures.writes() + failures.count(CacheFailure.Operation.LEASE))
                    .isPositive();

            redis.restart();
            askUntilUp(lm, cache);
            lm.complete(ask("after"));
            int calls = server.requestCount();
            try (RedisCache fresh =
                    quick(redis.uri(), new CacheFailureCounter()).memoryBytes(0).build()) {
                LmResponse shared = lm(server, fresh).complete(ask("after"));
                assertThat(shared.cacheHit())
                        .as("written to the restarted Redis, read by another cache")
                        .isTrue();
                assertThat(server.requestCount()).isEqualTo(calls);
            }
            assertThat(logs.warnings()).hasSize(1);
            assertThat(logs.at(Level.INFO)).anyMatch(m -> m.contains("reachable again"));
        }
    }

    @Test
    void aStoppedRedisThatAnswersNothingTimesOutIntoMissesWithOneWarningAndRecoversWhenContinued() throws Exception {
        CacheFailureCounter failures = new CacheFailureCounter();
        try (RedisServerProcess redis = RedisServerProcess.start();
                LoopbackChatServer server = LoopbackChatServer.start("ok");
                LogCapture logs = new LogCapture();
                RedisCache cache = quick(redis.uri(), failures).build()) {
            LanguageModel lm = lm(server, cache);
            lm.complete(ask("warm up"));

            signal("STOP", redis.pid());
            try {
                for (int i = 0; i < 8; i++)
                    assertThat(lm.complete(ask("while stopped " + i)).first().text())
                            .isEqualTo("ok");
                assertThat(cache.isDown()).isTrue();
                assertThat(logs.warnings()).hasSize(1);
                assertThat(logs.warnings().get(0)).containsIgnoringCase("timed out");
                assertThat(server.requestCount()).isEqualTo(9);
            } finally {
                signal("CONT", redis.pid());
            }
            askUntilUp(lm, cache);
            assertThat(logs.warnings()).hasSize(1);
            assertThat(logs.at(Level.INFO)).anyMatch(m -> m.contains("reachable again"));
        }
    }

    @Test
    void aCacheBuiltWhileNothingListensWorksAsAMissWithOneWarning() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CacheFailureCounter failures = new CacheFailureCounter();
        try (LoopbackChatServer server = LoopbackChatServer.start("ok");
                LogCapture logs = new LogCapture();
                RedisCache cache = quick("redis://127.0.0.1:" + port, failures).build()) {
            LanguageModel lm = lm(server, cache);
            for (int i = 0; i < 20; i++)
                assertThat(lm.complete(ask("q" + (i % 5))).first().text()).isEqualTo("ok");

            assertThat(server.requestCount())
                    .as("the memory layer still makes repeats free")
                    .isEqualTo(5);
            assertThat(logs.warnings()).hasSize(1);
            assertThat(failures.total()).isPositive();
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + name, Long.toString(pid))
                .inheritIO()
                .start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kill -" + name + " " + pid).isZero();
    }
}
