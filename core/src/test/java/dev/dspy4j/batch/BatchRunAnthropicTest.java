package dev.dspy4j.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.batch.BatchStatus;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.testing.LoopbackChatServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch runs through Anthropic Message Batches on the loopback server. */
class BatchRunAnthropicTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static AnthropicChat lm(LoopbackChatServer server, MemoryCache cache) {
        return AnthropicChat.builder()
                .baseUrl(server.root().toString())
                .model("claude-haiku-4-5")
                .apiKey("sk-ant-secret-0123456789")
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
    void answersFillTheCacheSoAPlainRunAfterwardsMakesNoLmCall() {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .answer(LoopbackChatServer.chatAnswer("answer", "four"))
                .batchPolls(3)
                .start()) {
            MemoryCache cache = MemoryCache.create();
            Module program = Predict.of("question -> answer").withLm(lm(server, cache));
            List<BatchRun.Row> rows = fast().build().run(program, questions("2+2?", "1+3?", "2+2?", "0+4?"));

            assertThat(rows).extracting(BatchRun.Row::id).containsExactly(0L, 1L, 2L, 3L);
            assertThat(rows)
                    .allSatisfy(r -> assertThat(r.prediction().get("answer")).isEqualTo("four"));
            assertThat(server.requestCount()).as("live calls").isZero();
            assertThat(server.batchesCreated()).isEqualTo(1);
            assertThat(server.batchRequests())
                    .as("one request per distinct prompt")
                    .hasSize(3);
            assertThat(server.batchPollCount()).isEqualTo(3);

            for (Map<String, Object> q : questions("2+2?", "1+3?", "0+4?")) {
                assertThat(program.call(q).cacheHit()).isTrue();
            }
            assertThat(server.requestCount())
                    .as("a plain run afterwards is served by the cache")
                    .isZero();
        }
    }

    @Test
    void aBatchRequestIsTheLiveRequestBody() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().keepBodies(true).batchPolls(0).start()) {
            Module program = Predict.of("question -> answer").withLm(lm(server, MemoryCache.create()));
            fast().build().run(program, questions("why?"));
            Predict.of("question -> answer").withLm(lm(server, null)).call(Map.of("question", "why?"));

            String live = server.received().get(0).bodyText();
            String batched = server.batchRequests().get(0).bodyText();
            assertThat(JSON.readTree(batched)).isEqualTo(JSON.readTree(live));
            assertThat(JSON.readTree(batched).path("model").asText()).isEqualTo("claude-haiku-4-5");
        }
    }

    @Test
    void rowsTheCacheAnswersAreNotSent() {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(1).keepBodies(true).start()) {
            MemoryCache cache = MemoryCache.create();
            Module program = Predict.of("question -> answer").withLm(lm(server, cache));
            program.call(Map.of("question", "cached already"));
            assertThat(server.requestCount()).isEqualTo(1);

            List<BatchRun.Row> rows = fast().build().run(program, questions("cached already", "new one"));

            assertThat(rows).allSatisfy(r -> assertThat(r.ok()).isTrue());
            assertThat(server.requestCount()).isEqualTo(1);
            assertThat(server.batchRequests()).hasSize(1);
            assertThat(server.batchRequests().get(0).bodyText())
                    .contains("new one")
                    .doesNotContain("cached already");
        }
    }

    @Test
    void aRequestTheBatchFailsComesBackAsAnErrorRowAndIsNotCached() {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .batchPolls(1)
                .batchErrors(r -> r.bodyText().contains("poison"))
                .start()) {
            MemoryCache cache = MemoryCache.create();
            Module program = Predict.of("question -> answer").withLm(lm(server, cache));
            List<BatchRun.Row> rows = fast().build().run(program, questions("fine", "poison", "also fine"));

            assertThat(rows.get(0).ok()).isTrue();
            assertThat(rows.get(2).ok()).isTrue();
            BatchRun.Row bad = rows.get(1);
            assertThat(bad.errorType()).isEqualTo("lm");
            assertThat(bad.error())
                    .isEqualTo("batch msgbatch_loopback1: errored: loopback: this request is refused"
                            + " [invalid_request_error]");
            assertThat(server.requestCount()).isZero();

            program.call(Map.of("question", "poison"));
            assertThat(server.requestCount())
                    .as("a failed request is not cached: a live run asks again")
                    .isEqualTo(1);
        }
    }

    @Test
    void anInterruptedRunResumesByPollingTheSameBatch() throws Exception {
        Path state = dir.resolve("answers.batch.json");
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(4).start()) {
            MemoryCache cache = MemoryCache.create();
            Module program = Predict.of("question -> answer").withLm(lm(server, cache));
            BatchRun.Listener dies = new BatchRun.Listener() {
                @Override
                public void polled(BatchStatus status, Duration elapsed) {
                    throw new IllegalStateException("killed while polling " + status.id());
                }
            };
            assertThatThrownBy(() -> fast().state(state).listener(dies).build().run(program, questions("a", "b")))
                    .hasMessage("killed while polling msgbatch_loopback1");
            String saved = Files.readString(state);
            assertThat(saved)
                    .contains(
                            "\"id\" : \"msgbatch_loopback1\"",
                            "\"provider\" : \"anthropic\"",
                            "\"account\" : \"" + server.root() + "\"",
                            "\"applied\" : false")
                    .doesNotContain("secret");

            List<String> seen = new ArrayList<>();
            BatchRun.Listener watch = new BatchRun.Listener() {
                @Override
                public void resumed(String provider, BatchStatus status) {
                    seen.add("resumed " + status.id());
                }
            };
            List<BatchRun.Row> rows =
                    fast().state(state).listener(watch).build().run(program, questions("a", "b"));

            assertThat(rows).allSatisfy(r -> assertThat(r.ok()).isTrue());
            assertThat(seen).containsExactly("resumed msgbatch_loopback1");
            assertThat(server.batchesCreated()).isEqualTo(1);
            assertThat(server.requestCount()).isZero();
            assertThat(state).as("deleted once every row has its outcome").doesNotExist();
        }
    }

    @Test
    void aStateOfAnotherBaseUrlIsRefusedNamingBoth() {
        Path state = dir.resolve("s.json");
        try (LoopbackChatServer one = LoopbackChatServer.builder().batchPolls(5).start();
                LoopbackChatServer two = LoopbackChatServer.builder().start()) {
            BatchRun.Listener dies = new BatchRun.Listener() {
                @Override
                public void created(String provider, BatchStatus status) {
                    throw new IllegalStateException("stop");
                }
            };
            Module p1 = Predict.of("question -> answer").withLm(lm(one, MemoryCache.create()));
            assertThatThrownBy(() -> fast().state(state).listener(dies).build().run(p1, questions("a")))
                    .hasMessage("stop");

            Module p2 = Predict.of("question -> answer").withLm(lm(two, MemoryCache.create()));
            assertThatThrownBy(() -> fast().state(state).build().run(p2, questions("a")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("batch msgbatch_loopback1 of anthropic at " + one.root())
                    .hasMessageContaining("anthropic at " + two.root())
                    .hasMessageContaining("delete the state file");
        }
    }

    @Test
    void anLmWithoutABatchApiIsRefused() {
        Module program = Predict.of("question -> answer").withLm(dev.dspy4j.lm.ScriptedLm.of("x"));
        assertThatThrownBy(() -> fast().build().run(program, questions("a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no batch API");
    }

    @Test
    void aSecondCallThatDependsOnTheFirstAnswerGoesInASecondBatch() {
        // the chat answer cannot be parsed, so the adapter falls back to JSON: a request only a second pass can see
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .batchPolls(0)
                .respond(r -> r.bodyText().contains("JSON") ? "{\"answer\": \"json\"}" : "no markers here")
                .start()) {
            Module program = Predict.of("question -> answer").withLm(lm(server, MemoryCache.create()));
            List<BatchRun.Row> rows = fast().build().run(program, questions("q"));

            assertThat(rows.get(0).ok()).as(String.valueOf(rows.get(0).error())).isTrue();
            assertThat(rows.get(0).prediction().get("answer")).isEqualTo("json");
            assertThat(server.batchesCreated()).isEqualTo(2);
            assertThat(server.requestCount()).isZero();
        }
    }

    @Test
    void pollingThatIsInterruptedSaysTheBatchKeepsRunning() {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(1000).start()) {
            Module program = Predict.of("question -> answer").withLm(lm(server, MemoryCache.create()));
            BatchRun.Listener interrupt = new BatchRun.Listener() {
                @Override
                public void created(String provider, BatchStatus status) {
                    Thread.currentThread().interrupt();
                }
            };
            assertThatThrownBy(() -> BatchRun.builder()
                            .pollInterval(Duration.ofSeconds(5))
                            .listener(interrupt)
                            .build()
                            .run(program, questions("a")))
                    .isInstanceOf(LmException.class)
                    .hasMessage(
                            "interrupted while polling batch msgbatch_loopback1; it keeps running at anthropic: run again"
                                    + " with the same state to resume polling it");
            Thread.interrupted();
        }
    }

    @Test
    void withUploadsOnAPdfIsUploadedOnceAndTheBatchParamsReferToItsFileId() {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(0).start()) {
            AnthropicChat lm = AnthropicChat.builder()
                    .baseUrl(server.root().toString())
                    .model("claude-haiku-4-5")
                    .apiKey("sk-ant-k-0123456789")
                    .cache(MemoryCache.create())
                    .uploads(new dev.dspy4j.lm.upload.MemoryUploadRegistry())
                    .build();
            dev.dspy4j.media.File pdf = dev.dspy4j.media.File.of(
                    "%PDF-1.4\n%loopback\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
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
            assertThat(server.files().uploadCount()).isEqualTo(1);
            String pdfId = server.files().list().get(0).id();
            assertThat(server.batchRequests())
                    .hasSize(2)
                    .allSatisfy(r -> assertThat(r.bodyText())
                            .contains("{\"type\":\"file\",\"file_id\":\"" + pdfId + "\"}")
                            .doesNotContain("base64"));
            assertThat(server.requestCount()).isZero();
        }
    }
}
