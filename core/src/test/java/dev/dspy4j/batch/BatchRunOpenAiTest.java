package dev.dspy4j.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.batch.BatchStatus;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.LoopbackFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch runs through the OpenAI Batch API (input uploaded to the Files API) on the loopback server. */
class BatchRunOpenAiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static OpenAiChat lm(LoopbackChatServer server, MemoryCache cache) {
        return OpenAiChat.builder()
                .baseUrl(server.baseUrl())
                .model("gpt-4o-mini")
                .apiKey("sk-proj-secret-0123456789")
                .cache(cache)
                .maxAttempts(1)
                .build();
    }

    private static List<Map<String, Object>> questions(String... qs) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String q : qs) rows.add(Map.of("question", q));
        return rows;
    }

    private static BatchRun.Builder fast() {
        return BatchRun.builder().pollInterval(Duration.ZERO);
    }

    @Test
    void theInputIsOneJsonlUploadWhoseLinesCarryTheLiveBodiesAndAPlainRunAfterwardsMakesNoCall() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().keepBodies(true).batchPolls(2).start()) {
            MemoryCache cache = MemoryCache.create();
            Module program = Predict.of("question -> answer").withLm(lm(server, cache));
            List<BatchRun.Row> rows = fast().build().run(program, questions("2+2?", "1+3?", "2+2?"));

            assertThat(rows)
                    .allSatisfy(r -> assertThat(r.prediction().get("answer")).isEqualTo("ok"));
            assertThat(server.requestCount()).as("live calls").isZero();
            assertThat(server.batchesCreated()).isEqualTo(1);
            assertThat(server.files().uploadCount()).isEqualTo(1);
            LoopbackFiles.StoredFile input = server.files().list().get(0);
            assertThat(input.purpose()).isEqualTo("batch");
            assertThat(input.filename()).isEqualTo("dspy4j-batch-2.jsonl");
            String[] lines = new String(input.content(), StandardCharsets.UTF_8).split("\n", -1);
            assertThat(lines).hasSize(3);
            assertThat(lines[2]).isEmpty();
            JsonNode first = JSON.readTree(lines[0]);
            assertThat(first.fieldNames()).toIterable().containsExactly("custom_id", "method", "url", "body");
            assertThat(first.get("method").asText()).isEqualTo("POST");
            assertThat(first.get("url").asText()).isEqualTo("/v1/chat/completions");
            assertThat(first.get("custom_id").asText()).matches("[0-9a-f]{40}");

            Predict.of("question -> answer").withLm(lm(server, null)).call(Map.of("question", "2+2?"));
            JsonNode live = JSON.readTree(server.received().get(0).body());
            assertThat(server.batchRequests())
                    .extracting(r -> JSON.readTree(r.body()))
                    .contains(live);

            for (Map<String, Object> q : questions("2+2?", "1+3?"))
                assertThat(program.call(q).cacheHit()).isTrue();
            assertThat(server.requestCount())
                    .as("only the uncached check above")
                    .isEqualTo(1);
        }
    }

    @Test
    void aRequestInTheErrorFileComesBackAsAnErrorRow() {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .batchPolls(1)
                .batchErrors(r -> r.bodyText().contains("poison"))
                .start()) {
            Module program = Predict.of("question -> answer").withLm(lm(server, MemoryCache.create()));
            List<BatchRun.Row> rows = fast().build().run(program, questions("fine", "poison"));

            assertThat(rows.get(0).ok()).isTrue();
            assertThat(rows.get(1).errorType()).isEqualTo("lm");
            assertThat(rows.get(1).error())
                    .isEqualTo("batch batch_loopback1: errored: HTTP 400: loopback: this request is"
                            + " refused [invalid_request_error]");
            assertThat(server.requestCount()).isZero();
        }
    }

    @Test
    void anInterruptedRunResumesByPollingTheSameBatchWithoutUploadingAgain() throws Exception {
        Path state = dir.resolve("out.jsonl.batch.json");
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(3).start()) {
            Module program = Predict.of("question -> answer").withLm(lm(server, MemoryCache.create()));
            BatchRun.Listener dies = new BatchRun.Listener() {
                @Override
                public void polled(BatchStatus status, Duration elapsed) {
                    throw new IllegalStateException("killed");
                }
            };
            assertThatThrownBy(() -> fast().state(state).listener(dies).build().run(program, questions("a", "b")))
                    .hasMessage("killed");
            assertThat(Files.readString(state))
                    .contains(
                            "\"provider\" : \"openai\"",
                            "\"id\" : \"batch_loopback1\"",
                            "\"account\" : \"" + server.baseUrl() + "\"")
                    .doesNotContain("secret");

            List<BatchRun.Row> rows = fast().state(state).build().run(program, questions("a", "b"));
            assertThat(rows).allSatisfy(r -> assertThat(r.ok()).isTrue());
            assertThat(server.batchesCreated()).isEqualTo(1);
            assertThat(server.files().uploadCount()).isEqualTo(1);
            assertThat(state).doesNotExist();
        }
    }

    @Test
    void withUploadsOnAPdfIsUploadedOnceAndTheBatchLinesReferToItsFileId() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(0).start()) {
            OpenAiChat lm = OpenAiChat.builder()
                    .baseUrl(server.baseUrl())
                    .model("gpt-4o-mini")
                    .apiKey("sk-proj-k-0123456789")
                    .cache(MemoryCache.create())
                    .uploads(new dev.dspy4j.lm.upload.MemoryUploadRegistry())
                    .build();
            dev.dspy4j.media.File pdf = dev.dspy4j.media.File.of(
                    "%PDF-1.4\n%loopback\n".getBytes(StandardCharsets.US_ASCII),
                    "report.pdf",
                    dev.dspy4j.media.MediaType.PDF);
            Module program = Predict.of("report: File, question -> answer").withLm(lm);
            List<BatchRun.Row> rows = fast().build()
                    .run(
                            program,
                            List.of(Map.of("report", pdf, "question", "a?"), Map.of("report", pdf, "question", "b?")));

            assertThat(rows)
                    .allSatisfy(r ->
                            assertThat(r.ok()).as(String.valueOf(r.error())).isTrue());
            List<LoopbackFiles.StoredFile> stored = server.files().list();
            assertThat(stored)
                    .extracting(LoopbackFiles.StoredFile::purpose)
                    .containsExactly("user_data", "batch", "batch_output");
            String pdfId = stored.get(0).id();
            assertThat(server.batchRequests())
                    .hasSize(2)
                    .allSatisfy(r -> assertThat(r.bodyText())
                            .contains("\"file_id\":\"" + pdfId + "\"")
                            .doesNotContain("base64"));
            assertThat(server.requestCount()).isZero();
        }
    }

    @Test
    void theResponsesClientBatchesResponsesLines() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().keepBodies(true).batchPolls(1).start()) {
            dev.dspy4j.lm.openai.OpenAiResponses lm = dev.dspy4j.lm.openai.OpenAiResponses.builder()
                    .baseUrl(server.baseUrl())
                    .model("gpt-5-mini")
                    .apiKey("sk-proj-k-0123456789")
                    .cache(MemoryCache.create())
                    .build();
            Module program = Predict.of("question -> answer").withLm(lm);
            List<BatchRun.Row> rows = fast().build().run(program, questions("a?", "b?"));

            assertThat(rows)
                    .allSatisfy(r -> assertThat(r.prediction().get("answer")).isEqualTo("ok"));
            assertThat(server.requestCount()).isZero();
            String input = new String(server.files().list().get(0).content(), StandardCharsets.UTF_8);
            assertThat(JSON.readTree(input.lines().findFirst().orElseThrow())
                            .get("url")
                            .asText())
                    .isEqualTo("/v1/responses");
            assertThat(server.batchRequests())
                    .extracting(LoopbackChatServer.Received::path)
                    .containsOnly("/v1/responses");

            Predict.of("question -> answer")
                    .withLm(dev.dspy4j.lm.openai.OpenAiResponses.builder()
                            .baseUrl(server.baseUrl())
                            .model("gpt-5-mini")
                            .apiKey("sk-proj-k-0123456789")
                            .cache(null)
                            .build())
                    .call(Map.of("question", "a?"));
            assertThat(server.batchRequests())
                    .extracting(r -> JSON.readTree(r.body()))
                    .contains(JSON.readTree(server.received().get(0).body()));
        }
    }
}
