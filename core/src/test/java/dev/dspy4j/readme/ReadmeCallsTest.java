package dev.dspy4j.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.lm.RateLimit;
import dev.dspy4j.lm.UsageScope;
import dev.dspy4j.lm.UsageSummary;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import dev.dspy4j.testing.LoopbackChatServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The README's section on async calls, rate limits, streamed answers and usage, kept working. The only
 * differences: the LM points at the loopback chat server (which answers every question the same way and
 * does not stream, so the answer is passed to the listener whole) and caches in memory.
 */
class ReadmeCallsTest {

    @Test
    void theSectionRuns() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .answer("[[ ## reasoning ## ]]\nScattering.\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]")
                .start()) {
            var lm = OpenAiChat.builder()
                    .model("gpt-4o-mini")
                    .baseUrl(server.baseUrl())
                    .cache(MemoryCache.create())
                    .rateLimit(RateLimit.builder()
                            .requestsPerMinute(500)
                            .tokensPerMinute(200_000)
                            .build())
                    .build();
            Predict qa = Predict.of("question -> answer").withLm(lm);

            CompletableFuture<Prediction> f = qa.callAsync(Map.of("question", "2+2?"));
            assertThat(f.get().getString("answer")).isEqualTo("4");

            StringBuilder printed = new StringBuilder();
            Prediction p = ChainOfThought.of("question -> answer").withLm(lm).stream(
                    Map.of("question", "Why is the sky blue?"),
                    chunk -> printed.append(chunk.field().equals("answer") ? chunk.text() : ""));
            assertThat(printed.toString()).isEqualTo("4");
            assertThat(p.getString("answer")).isEqualTo("4");

            Module program = qa;
            List<Example> devset = List.of(
                    Example.of("question", "2+2?", "answer", "4").withInputs("question"),
                    Example.of("question", "3+1?", "answer", "4").withInputs("question"));
            UsageSummary s;
            try (UsageScope usage = UsageScope.open()) {
                Evaluate.builder(devset, Metrics.exactMatch())
                        .threads(8)
                        .build()
                        .run(program);
                s = usage.summary();
            }
            // 2+2? was answered before (a cache hit); 3+1? reaches the server: 100 tokens in, 10 out
            assertThat(s.toString())
                    .startsWith(
                            "2 LM calls (1 cache hits, 0 errors), tokens: 100 in (0 cached), 10 out (0 reasoning), cost $0.0000 (prices of ");
        }
    }
}
