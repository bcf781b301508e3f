package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.module.Predict;
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
        return OpenAiChat.builder().baseUrl(server.url() + "/v1").model("gpt-4o-mini").cache(null).build();
    }

    @Test
    void tenAsyncCallsRunAtOnceAndAllAnswer() {
        // each answer takes 300 ms; ten of them one after the other would take 3 s, at once about 0.3 s
        server.defaultReply(LoopbackServer.delayed(Duration.ofMillis(300),
                LoopbackServer.json(200, LoopbackServer.chatCompletion("[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]"))));
        Predict qa = Predict.of("question -> answer: int").withLm(lm());
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fs.add(qa.callAsync(Map.of("question", "q" + i)).thenApply(p -> {
                threads.add(Thread.currentThread().getName() + Thread.currentThread().getId());
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
            CompletableFuture<LmResponse> f = lm().completeAsync(LmRequest.of(Prompt.builder().user("hi").build()), ex);
            assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).hasCauseInstanceOf(BadRequestException.class)
                    .hasMessageContaining("bad model");
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void theSharedExecutorUsesVirtualThreadsWhereTheJvmHasThem() throws Exception {
        Object virtual = CompletableFuture.supplyAsync(() -> {
            try {
                return Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
            } catch (ReflectiveOperationException e) {
                return false; // Java 17: no virtual threads
            }
        }, CallExecutors.shared()).get();
        assertThat(virtual).isEqualTo(CallExecutors.virtualThreadsAvailable());
    }
}
