package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache as LMs use it: hits, de-duplication of calls in flight, rollouts, turning it off. */
class CachingLmTest {

    @TempDir
    Path dir;

    @AfterEach
    void restoreDefault() {
        Caches.resetDefault();
    }

    private static LmRequest ask(String question) {
        return LmRequest.of(Prompt.of(Message.system("Answer briefly."), Message.user(question)));
    }

    private static ScriptedLm echoLm(ResponseCache cache) {
        AtomicInteger calls = new AtomicInteger();
        return ScriptedLm.builder()
                .cache(cache)
                .respond(r -> List.of("answer " + calls.incrementAndGet()))
                .build();
    }

    @Test
    void aHitReportsZeroUsageAndIsMarked() {
        ScriptedLm lm = echoLm(MemoryCache.create());
        LmResponse miss = lm.complete(ask("2+2?"));
        assertThat(miss.cacheHit()).isFalse();
        assertThat(miss.usage()).isEqualTo(new Usage(10, 5));

        LmResponse hit = lm.complete(ask("2+2?"));
        assertThat(hit.cacheHit()).isTrue();
        assertThat(hit.usage()).isEqualTo(Usage.ZERO);
        assertThat(hit.completions()).isEqualTo(miss.completions());
        assertThat(lm.requests()).hasSize(1);
        assertThat(lm.history().last(2))
                .extracting(e -> e.response().cacheHit())
                .containsExactly(false, true);

        assertThat(lm.complete(ask("3+3?")).cacheHit()).isFalse();
        assertThat(lm.requests()).hasSize(2);
    }

    @Test
    void aDiskHitInANewProcessIsMarkedToo() {
        try (TieredCache first = TieredCache.open(dir)) {
            echoLm(first).complete(ask("2+2?"));
        }
        try (TieredCache second = TieredCache.open(dir)) {
            ScriptedLm lm = echoLm(second);
            LmResponse hit = lm.complete(ask("2+2?"));
            assertThat(hit.cacheHit()).isTrue();
            assertThat(hit.usage()).isEqualTo(Usage.ZERO);
            assertThat(hit.first().text()).isEqualTo("answer 1");
            assertThat(lm.requests()).isEmpty();
        }
    }

    /** The LM's answer blocks until all eight threads have started; still only one request reaches it. */
    @Test
    void eightThreadsAskingTheSameQuestionMakeOneCall() throws Exception {
        int threads = 8;
        CountDownLatch started = new CountDownLatch(threads);
        AtomicInteger sent = new AtomicInteger();
        ScriptedLm lm = ScriptedLm.builder()
                .cache(MemoryCache.create())
                .respond(r -> {
                    sent.incrementAndGet();
                    try {
                        if (!started.await(30, TimeUnit.SECONDS))
                            throw new IllegalStateException("threads did not start");
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return List.of("the one answer");
                })
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<LmResponse>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(pool.submit(() -> {
                    started.countDown();
                    return lm.complete(ask("same question"));
                }));
            }
            int hits = 0;
            for (Future<LmResponse> f : fs) {
                LmResponse r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.first().text()).isEqualTo("the one answer");
                if (r.cacheHit()) {
                    hits++;
                    assertThat(r.usage()).isEqualTo(Usage.ZERO);
                }
            }
            assertThat(sent.get()).isEqualTo(1);
            assertThat(lm.requests()).hasSize(1);
            assertThat(hits).isEqualTo(threads - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void eachRolloutIdIsItsOwnEntry() {
        ScriptedLm lm = echoLm(MemoryCache.create());
        LmResponse a = lm.complete(ask("a poem").withRolloutId("1"));
        LmResponse b = lm.complete(ask("a poem").withRolloutId("2"));
        assertThat(lm.requests()).hasSize(2);
        assertThat(a.first().text()).isEqualTo("answer 1");
        assertThat(b.first().text()).isEqualTo("answer 2");
        assertThat(lm.complete(ask("a poem").withRolloutId("2")).first().text()).isEqualTo("answer 2");
        assertThat(lm.complete(ask("a poem").withRolloutId("1")).first().text()).isEqualTo("answer 1");
        assertThat(lm.requests()).hasSize(2);
        assertThat(CacheKey.of("m", ask("x").withRolloutId("1")))
                .isNotEqualTo(CacheKey.of("m", ask("x").withRolloutId("2")));
    }

    @Test
    void withCacheFalseOnARequestNeitherReadsNorWrites() {
        ScriptedLm lm = echoLm(MemoryCache.create());
        lm.complete(ask("q"));
        LmResponse uncached = lm.complete(ask("q").withCache(false));
        assertThat(uncached.cacheHit()).isFalse();
        assertThat(uncached.first().text()).isEqualTo("answer 2");
        assertThat(lm.complete(ask("other").withCache(false)).first().text()).isEqualTo("answer 3");
        assertThat(lm.complete(ask("other")).first().text()).isEqualTo("answer 4"); // nothing was stored
        assertThat(lm.complete(ask("q")).first().text()).isEqualTo("answer 1");
        assertThat(lm.requests()).hasSize(4);
    }

    @Test
    void predictWithCacheFalseCallsTheLmEveryTime() {
        ScriptedLm lm = echoLm(MemoryCache.create());
        Predict p = Predict.of(Signature.parse("question -> answer"))
                .withAdapter(new EchoAdapter())
                .withLm(lm);
        Map<String, Object> in = Map.of("question", "why?");
        Prediction first = p.call(in);
        Prediction cached = p.call(in);
        assertThat(cached.cacheHit()).isTrue();
        assertThat(cached.get("answer", String.class)).isEqualTo(first.get("answer", String.class));
        Prediction fresh = p.withCache(false).call(in);
        assertThat(fresh.cacheHit()).isFalse();
        assertThat(fresh.get("answer", String.class)).isEqualTo("answer 2");
        assertThat(lm.requests()).hasSize(2);
    }

    @Test
    void providerLmsUseTheDefaultCacheUnlessToldOtherwise() {
        MemoryCache shared = MemoryCache.create();
        Caches.setDefault(shared);
        ProviderLikeLm byDefault = ProviderLikeLm.builder().model("m").build();
        assertThat(byDefault.cache()).isSameAs(shared);
        byDefault.complete(ask("q"));
        assertThat(byDefault.complete(ask("q")).cacheHit()).isTrue();
        assertThat(byDefault.sent.get()).isEqualTo(1);
        // a second LM of the same model shares the entries
        ProviderLikeLm another = ProviderLikeLm.builder().model("m").build();
        assertThat(another.complete(ask("q")).cacheHit()).isTrue();
        assertThat(another.sent.get()).isZero();

        ProviderLikeLm off = ProviderLikeLm.builder().model("m").cache(null).build();
        assertThat(off.cache()).isNull();
        off.complete(ask("q"));
        off.complete(ask("q"));
        assertThat(off.sent.get()).isEqualTo(2);

        // the scripted test LM never caches unless given a cache
        assertThat(ScriptedLm.builder().answers("a").build().cache()).isNull();
    }

    @Test
    void withTheDefaultTurnedOffProviderLmsDoNotCache() {
        Caches.resetDefault(); // the test build sets DSPY4J_CACHE=off
        ProviderLikeLm lm = ProviderLikeLm.builder().model("m").build();
        assertThat(lm.cache()).isNull();
        lm.complete(ask("q"));
        lm.complete(ask("q"));
        assertThat(lm.sent.get()).isEqualTo(2);
    }

    /** An LM built like a provider client: its builder does not choose a cache. */
    static final class ProviderLikeLm extends AbstractLanguageModel {
        final AtomicInteger sent = new AtomicInteger();

        private ProviderLikeLm(Builder b) {
            super(b);
        }

        static Builder builder() {
            return new Builder();
        }

        @Override
        protected LmResponse send(LmRequest request) {
            return new LmResponse(
                    List.of(Completion.of("sent " + sent.incrementAndGet())), new Usage(3, 1), model(), false);
        }

        static final class Builder extends AbstractLanguageModel.Builder<Builder> {
            ProviderLikeLm build() {
                return new ProviderLikeLm(this);
            }
        }
    }

    /** The question as the prompt, the completion as the answer. */
    static final class EchoAdapter implements Adapter {
        @Override
        public Prompt format(Signature signature, List<Example> demos, Map<String, ?> inputs) {
            return Prompt.of(Message.user(String.valueOf(inputs.get("question"))));
        }

        @Override
        public Map<String, Object> parse(Signature signature, String completion) {
            return Map.of("answer", completion);
        }
    }
}
