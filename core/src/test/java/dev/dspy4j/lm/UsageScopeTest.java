package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.module.Predict;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Totals of calls, cache hits, tokens and cost, over threads and nested scopes. */
class UsageScopeTest {
    private static final String ANSWER = "[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]";

    private static ScriptedLm lm(String model) {
        // every answer: 10 prompt tokens, 5 completion tokens (ScriptedLm's usage)
        return ScriptedLm.builder()
                .model(model)
                .respond(r -> List.of(ANSWER))
                .cache(MemoryCache.create())
                .build();
    }

    private static List<Example> devset(int n, int distinct) {
        List<Example> list = new ArrayList<>();
        for (int i = 0; i < n; i++)
            list.add(Example.of("question", "q" + (i % distinct), "answer", "4").withInputs("question"));
        return list;
    }

    @Test
    void anEvaluateOnFourThreadsCountsEveryCallCacheHitTokenAndDollar() {
        Predict qa = Predict.of("question -> answer").withLm(lm("gpt-4o-mini"));
        UsageSummary s;
        try (UsageScope usage = UsageScope.open()) {
            Evaluate.builder(devset(20, 10), Metrics.exactMatch())
                    .threads(4)
                    .build()
                    .run(qa);
            s = usage.summary();
        }
        // 10 distinct questions reach the LM; the 10 repeats are cache hits (or share a call in flight)
        assertThat(s.calls()).isEqualTo(20);
        assertThat(s.cacheHits()).isEqualTo(10);
        assertThat(s.usage()).isEqualTo(new Usage(100, 50));
        // gpt-4o-mini: $0.15 in, $0.60 out per million tokens
        assertThat(s.cost()).isCloseTo((100 * 0.15 + 50 * 0.60) / 1e6, within(1e-12));
        assertThat(s.unpricedModels()).isEmpty();
        assertThat(s.pricesAsOf()).isEqualTo(PriceTable.defaults().asOf()).isNotEmpty();
        assertThat(s.toString()).startsWith("20 LM calls (10 cache hits, 0 errors), tokens: 100 in (0 cached), 50 out");
    }

    @Test
    void nestedScopesBothCountAndAClosedScopeStops() {
        ScriptedLm lm = lm("gpt-4o");
        LmRequest a = LmRequest.of(Prompt.builder().user("a").build());
        LmRequest b = LmRequest.of(Prompt.builder().user("b").build());
        try (UsageScope outer = UsageScope.open()) {
            lm.complete(a);
            try (UsageScope inner = UsageScope.open()) {
                lm.complete(b);
                assertThat(inner.summary().calls()).isEqualTo(1);
            }
            lm.complete(a); // cache hit
            UsageSummary s = outer.summary();
            assertThat(s.calls()).isEqualTo(3);
            assertThat(s.cacheHits()).isEqualTo(1);
            assertThat(s.byModel()).containsOnlyKeys("gpt-4o");
        }
    }

    @Test
    void unknownModelsAreNamedAndLeftOutOfTheCost() {
        ScriptedLm known = lm("claude-sonnet-4-20250514");
        ScriptedLm unknown = lm("my-local-model");
        try (UsageScope usage = UsageScope.open()) {
            known.complete(LmRequest.of(Prompt.builder().user("x").build()));
            unknown.complete(LmRequest.of(Prompt.builder().user("x").build()));
            UsageSummary s = usage.summary();
            assertThat(s.unpricedModels()).containsExactly("my-local-model");
            assertThat(s.cost()).isCloseTo((10 * 3.0 + 5 * 15.0) / 1e6, within(1e-12));
            assertThat(s.byModel().get("my-local-model").cost()).isZero();
            assertThat(s.toString()).endsWith("no price for my-local-model");
        }
    }

    @Test
    void asyncCallsCarryTheScope() {
        Predict qa = Predict.of("question -> answer").withLm(lm("gpt-4o-mini"));
        try (UsageScope usage = UsageScope.open()) {
            List<java.util.concurrent.CompletableFuture<?>> fs = new ArrayList<>();
            for (int i = 0; i < 5; i++) fs.add(qa.callAsync(Map.of("question", "q" + i)));
            fs.forEach(java.util.concurrent.CompletableFuture::join);
            assertThat(usage.summary().calls()).isEqualTo(5);
        }
    }

    @Test
    void errorsAreCounted() {
        ScriptedLm failing = ScriptedLm.builder().model("gpt-4o-mini").build();
        try (UsageScope usage = UsageScope.open()) {
            try {
                failing.complete(LmRequest.of(Prompt.builder().user("x").build()));
            } catch (IllegalStateException expected) {
                // ScriptedLm has no answers
            }
            assertThat(usage.summary().errors()).isEqualTo(1);
            assertThat(usage.summary().calls()).isZero();
        }
    }

    @Test
    void aClosedScopeStopsCountingCallsStillRunningOnOtherThreads() {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ScriptedLm slow = ScriptedLm.builder()
                .model("gpt-4o-mini")
                .respond(r -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return List.of(ANSWER);
                })
                .cache(null)
                .build();
        java.util.concurrent.CompletableFuture<?> f;
        UsageScope usage = UsageScope.open();
        try (usage) {
            f = Predict.of("question -> answer").withLm(slow).callAsync(Map.of("question", "q"));
        }
        release.countDown();
        f.join();
        assertThat(usage.summary().calls()).isZero();
    }

    @Test
    void inputRefusedBeforeSendingAndInterruptedCallsAreNotLmErrors() {
        LmRequest r = LmRequest.of(Prompt.builder().user("a").build());
        ScriptedLm refused = ScriptedLm.builder()
                .model("m")
                .respond(q -> {
                    throw new UnsupportedInputException("image x.bmp is image/bmp", null);
                })
                .build();
        ScriptedLm interrupted = ScriptedLm.builder()
                .model("m")
                .respond(q -> {
                    throw new LmException("m: interrupted", 0, null, new InterruptedException());
                })
                .build();
        ScriptedLm failing = ScriptedLm.builder()
                .model("m")
                .respond(q -> {
                    throw new ServerException("m: HTTP 500", 500, null, null);
                })
                .build();
        try (UsageScope usage = UsageScope.open()) {
            for (ScriptedLm lm : List.of(refused, interrupted, failing)) {
                try {
                    lm.complete(r);
                } catch (RuntimeException expected) {
                    // counted (or not) by the scope
                }
            }
            assertThat(usage.summary().errors()).isEqualTo(1);
            assertThat(usage.summary().calls()).isZero();
        }
        assertThat(UsageScope.isLmError(new LmException("x", 0, null, new java.io.InterruptedIOException())))
                .isFalse();
        assertThat(UsageScope.isLmError(new dev.dspy4j.media.PayloadException("gone")))
                .isFalse();
        assertThat(UsageScope.isLmError(new LmTimeoutException("slow", 0, null, null)))
                .isTrue();
    }

    @Test
    void aMediaTypeTheProviderRefusesIsAnInputErrorNotAnLmError() {
        try (var server = dev.dspy4j.testing.LoopbackChatServer.start(ANSWER);
                UsageScope usage = UsageScope.open()) {
            var lm = dev.dspy4j.lm.openai.OpenAiChat.builder()
                    .baseUrl(server.baseUrl())
                    .model("m")
                    .apiKey("unused")
                    .cache(null)
                    .build();
            Prompt bmp = Prompt.builder()
                    .user()
                    .text("Look.")
                    .media(dev.dspy4j.media.Image.of(dev.dspy4j.media.Payload.of(OpenAiRequestRulesTest.bmp())))
                    .end()
                    .build();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> lm.complete(LmRequest.of(bmp)))
                    .isInstanceOf(UnsupportedInputException.class)
                    .hasMessageStartingWith(
                            "image in-memory bytes is image/bmp, which OpenAI chat completions does not take");
            assertThat(server.requestCount()).isZero();
            assertThat(usage.summary().errors()).isZero();
            assertThat(usage.summary().toString()).startsWith("0 LM calls (0 cache hits, 0 errors)");
        }
    }
}
