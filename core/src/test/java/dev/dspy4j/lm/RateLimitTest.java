package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.prompt.Prompt;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests and tokens per minute, shared by many threads: counted where the requests arrive, in a window
 * after the first one, with a generous margin (no timing of the calls themselves).
 */
class RateLimitTest {
    private final LoopbackServer server = LoopbackServer.start();
    private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    @AfterEach
    void stop() {
        pool.shutdownNow();
        server.close();
    }

    private static LmRequest request(int i) {
        return LmRequest.of(Prompt.builder().user("q" + i).build());
    }

    /** How many arrivals fall within {@code millis} of the first. */
    private long inFirst(long millis) {
        long first = arrivals.stream().mapToLong(Long::longValue).min().orElseThrow();
        return arrivals.stream().filter(t -> t - first <= millis * 1_000_000).count();
    }

    private void runAll(LanguageModel lm, int n) {
        List<CompletableFuture<LmResponse>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) fs.add(lm.completeAsync(request(i), pool));
        fs.forEach(CompletableFuture::join);
    }

    @Test
    void requestsPerMinuteHoldAcrossSixteenThreadsAtTheServer() {
        server.defaultReply(ex -> {
            arrivals.add(System.nanoTime());
            LoopbackServer.json(200, LoopbackServer.chatCompletion("ok")).send(ex);
        });
        // 600 a minute = 10 a second, burst 10: within 1 s of the first request at most 10 + 10 may arrive
        RateLimit limit = RateLimit.builder().requestsPerMinute(600).build();
        LanguageModel lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("m")
                .cache(null)
                .rateLimit(limit)
                .build();
        runAll(lm, 35);
        assertThat(server.requestCount()).isEqualTo(35);
        assertThat(inFirst(1000)).isBetween(10L, 22L);
    }

    @Test
    void withoutALimitTheSameRunArrivesAtOnce() {
        server.defaultReply(ex -> {
            arrivals.add(System.nanoTime());
            LoopbackServer.json(200, LoopbackServer.chatCompletion("ok")).send(ex);
        });
        LanguageModel lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("m")
                .cache(null)
                .build();
        runAll(lm, 35);
        assertThat(inFirst(1000)).isEqualTo(35);
    }

    @Test
    void tokensPerMinuteFollowTheReportedUsage() {
        // every call: prompt "qN" (estimated 1 token) plus max_tokens 14 = 15 estimated; ScriptedLm reports 10 + 5 = 15
        ScriptedLm lm = ScriptedLm.builder()
                .model("m")
                .param("max_tokens", 14)
                .rateLimit(RateLimit.builder().tokensPerMinute(3600).build())
                .respond(r -> {
                    arrivals.add(System.nanoTime());
                    return List.of("ok");
                })
                .build();
        // 60 tokens a second, burst 60: within 1 s of the first call at most (60 + 60) / 15 = 8 calls
        runAll(lm, 14);
        assertThat(inFirst(1000)).isBetween(4L, 10L);
    }

    @Test
    void cacheHitsDoNotWait() {
        RateLimit limit = RateLimit.builder().requestsPerMinute(1).build();
        ScriptedLm lm = ScriptedLm.builder()
                .model("m")
                .cache(MemoryCache.create())
                .rateLimit(limit)
                .respond(r -> List.of("ok"))
                .build();
        lm.complete(request(1));
        // the bucket is empty for a minute now; a hundred cache hits must still return
        for (int i = 0; i < 100; i++)
            assertThat(lm.complete(request(1)).cacheHit()).isTrue();
    }

    @Test
    void estimatesCountTextMediaAndTheCompletionBudget() {
        LmRequest r = LmRequest.of(Prompt.builder().user("12345678").build(), java.util.Map.of("max_tokens", 100));
        assertThat(RateLimit.estimate(r)).isEqualTo(2 + 100);
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> RateLimit.builder().requestsPerMinute(0))
                .hasMessageContaining("requestsPerMinute must be at least 1, not 0");
        assertThatThrownBy(() -> RateLimit.builder().build())
                .hasMessageContaining("needs requestsPerMinute or tokensPerMinute");
    }
}
