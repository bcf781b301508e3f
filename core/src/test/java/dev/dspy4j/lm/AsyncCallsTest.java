package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.prompt.Prompt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** completeAsync and callAsync against a loopback server, on real threads. */
class AsyncCallsTest {
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiChat lm() {
        return OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-4o-mini")
                .cache(null)
                .build();
    }

    @Test
    void tenAsyncCallsRunAtOnceAndAllAnswer() {
        // each answer takes 300 ms; ten of them one after the other would take 3 s, at once about 0.3 s
        server.defaultReply(LoopbackServer.delayed(
                Duration.ofMillis(300),
                LoopbackServer.json(
                        200, LoopbackServer.chatCompletion("[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]"))));
        Predict qa = Predict.of("question -> answer: int").withLm(lm());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fs.add(qa.callAsync(Map.of("question", "q" + i)).thenApply(p -> {
                threads.add(Thread.currentThread().getName()
                        + Thread.currentThread().getId());
                return p.get("answer", Integer.class);
            }));
        }
        assertThat(fs).allSatisfy(f -> assertThat(f.join()).isEqualTo(4));
        assertThat(server.requestCount()).isEqualTo(10);
        assertThat(threads.size()).isGreaterThan(1);
    }

    @Test
    void completeAsyncOnAGivenExecutorFailsTheFutureWithTheLmError() {
        server.defaultReply(LoopbackServer.json(400, "{\"error\":{\"message\":\"bad model\"}}"));
        ExecutorService ex = CallExecutors.newPerTaskExecutor("test-async");
        try {
            CompletableFuture<LmResponse> f =
                    lm().completeAsync(LmRequest.of(Prompt.builder().user("hi").build()), ex);
            assertThatThrownBy(f::join)
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(BadRequestException.class)
                    .hasMessageContaining("bad model");
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void theSharedExecutorUsesVirtualThreadsWhereTheJvmHasThem() throws Exception {
        Object virtual = CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
                            } catch (ReflectiveOperationException e) {
                                return false; // Java 17: no virtual threads
                            }
                        },
                        CallExecutors.shared())
                .get();
        assertThat(virtual).isEqualTo(CallExecutors.virtualThreadsAvailable());
    }

    /** Completes with the error of the first LM call that ends on this context (null if it succeeded). */
    private static CompletableFuture<Throwable> lmEnd() {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        CallContext.with(new Callback() {
            @Override
            public void onLmEnd(Call call, LmResponse response, Throwable error) {
                ended.complete(error);
            }
        });
        return ended;
    }

    private void awaitRequests(int n) throws InterruptedException {
        for (int i = 0; i < 1000 && server.requestCount() < n; i++) Thread.sleep(10);
        assertThat(server.requestCount()).isEqualTo(n);
    }

    @Test
    void cancelInterruptsTheExchangeInFlightAndTheInterruptDoesNotReachTheThreadsNextTask() throws Exception {
        server.defaultReply(LoopbackServer.delayed(
                Duration.ofSeconds(60), LoopbackServer.json(200, LoopbackServer.chatCompletion("late"))));
        ExecutorService one = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (CallContext.Scope ignored = CallContext.with(new Callback() {})) {
            CompletableFuture<Throwable> ended = lmEnd();
            OpenAiChat lm = OpenAiChat.builder()
                    .baseUrl(server.url() + "/v1")
                    .model("m")
                    .cache(null)
                    .timeout(Duration.ofMinutes(2))
                    .build();
            CompletableFuture<LmResponse> f =
                    lm.completeAsync(LmRequest.of(Prompt.builder().user("hi").build()), one);
            awaitRequests(1);
            assertThat(f.cancel(true)).isTrue();
            // the call itself stops (not only the future): the LM call ends with the interruption, long before the
            // answer
            assertThat(ended.get(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isInstanceOf(LmException.class)
                    .hasMessageContaining("interrupted");
            assertThat(f).isCancelled();
            assertThat(one.submit(() -> Thread.currentThread().isInterrupted()).get())
                    .isFalse();
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void cancelEndsAWaitForTheRateLimit() throws Exception {
        RateLimit limit = RateLimit.builder().requestsPerMinute(1).build();
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("m")
                .cache(null)
                .rateLimit(limit)
                .build();
        Predict qa = Predict.of("question -> answer").withLm(lm);
        server.defaultReply(LoopbackServer.json(
                200, LoopbackServer.chatCompletion("[[ ## answer ## ]]\nok\n\n[[ ## completed ## ]]")));
        qa.call(Map.of("question", "first")); // takes the minute's only request
        try (CallContext.Scope ignored = CallContext.with(new Callback() {})) {
            CompletableFuture<Throwable> ended = lmEnd();
            CompletableFuture<Prediction> f = qa.callAsync(Map.of("question", "second"));
            Thread.sleep(200); // let it reach the wait (if it has not yet, cancel stops it before it starts)
            f.cancel(true);
            Throwable error = ended.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(error)
                    .isInstanceOf(LmException.class)
                    .hasMessageContaining("interrupted while waiting for the rate limit");
        }
        assertThat(server.requestCount()).isEqualTo(1);
    }
}
