package dev.dspy4j.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.openai.OpenAiResponses;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.testing.LoopbackChatServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Batch runs of an OpenAiResponses program go to the OpenAI Batch API with endpoint /v1/responses. */
class BatchRunOpenAiResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static OpenAiResponses lm(LoopbackChatServer server, MemoryCache cache) {
        return OpenAiResponses.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-4.1-mini")
                .apiKey("sk-proj-secret-0123456789")
                .cache(cache)
                .maxAttempts(1)
                .build();
    }

    @Test
    void theLinesCarryTheLiveResponsesBodiesAndTheAnswersFillTheCache() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().keepBodies(true).batchPolls(1).start()) {
            MemoryCache cache = MemoryCache.create();
            Module program = Predict.of("question -> answer").withLm(lm(server, cache));
            List<BatchRun.Row> rows = BatchRun.builder()
                    .pollInterval(Duration.ZERO)
                    .build()
                    .run(program, List.of(Map.of("question", "2+2?"), Map.of("question", "1+3?")));

            assertThat(rows)
                    .allSatisfy(r -> assertThat(r.prediction().get("answer")).isEqualTo("ok"));
            assertThat(server.requestCount()).as("live calls").isZero();
            assertThat(server.batchesCreated()).isEqualTo(1);
            String[] lines = new String(server.files().list().get(0).content(), StandardCharsets.UTF_8).split("\n");
            assertThat(lines).hasSize(2);
            JsonNode first = JSON.readTree(lines[0]);
            assertThat(first.get("url").asText()).isEqualTo("/v1/responses");
            assertThat(first.at("/body/model").asText()).isEqualTo("gpt-4.1-mini");
            assertThat(first.at("/body/instructions").isTextual()).isTrue();
            assertThat(first.at("/body/input").isArray()).isTrue();

            Predict.of("question -> answer").withLm(lm(server, null)).call(Map.of("question", "2+2?"));
            assertThat(server.received().get(0).path()).isEqualTo("/v1/responses");
            JsonNode live = JSON.readTree(server.received().get(0).body());
            assertThat(server.batchRequests())
                    .extracting(r -> JSON.readTree(r.body()))
                    .contains(live);
            assertThat(program.call(Map.of("question", "1+3?")).cacheHit()).isTrue();
        }
    }
}
