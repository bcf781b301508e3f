package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.gemini.GeminiChat;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.module.StreamListener;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streamed Gemini answers ({@code :streamGenerateContent?alt=sse}) from a loopback server, split into fields. */
class GeminiStreamingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static LoopbackServer.Reply sse(List<String> events) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String e : events) {
                out.write(e.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.close();
        };
    }

    /** One chunk of candidate 0 with the given parts (JSON) and extra candidate fields. */
    private static String chunk(String parts, String candidateExtra, String rootExtra) {
        return "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[" + parts + "]}" + candidateExtra
                + "}]" + rootExtra + ",\"modelVersion\":\"gemini-test-001\"}\r\n\r\n";
    }

    private static String text(String t) {
        return "{\"text\":" + JSON.getNodeFactory().textNode(t) + "}";
    }

    /** A ChainOfThought answer cut inside its markers, with a thought part first and usage that grows. */
    private static List<String> cotEvents() {
        return List.of(
                chunk(
                        "{\"text\":\"Let me think\",\"thought\":true}",
                        "",
                        ",\"usageMetadata\":{\"promptTokenCount\":40}"),
                chunk(
                        text("[[ ## reas"),
                        "",
                        ",\"usageMetadata\":{\"promptTokenCount\":40,\"candidatesTokenCount\":1}"),
                chunk(text("oning ## ]]\nTwo and ") + "," + text("two make four.\n\n["), "", ""),
                chunk(text("[ ## answer ## ]]\n4"), "", ""),
                chunk(
                        text("\n\n[[ ## completed ## ]]"),
                        ",\"finishReason\":\"STOP\"",
                        ",\"usageMetadata\":{\"promptTokenCount\":40,\"candidatesTokenCount\":12,\"thoughtsTokenCount\":3,"
                                + "\"cachedContentTokenCount\":8,\"totalTokenCount\":55}"));
    }

    private static final class Collector implements StreamListener {
        final List<String> chunks = Collections.synchronizedList(new ArrayList<>());
        Prediction prediction;

        @Override
        public void onChunk(StreamChunk c) {
            chunks.add(c.predictor() + "." + c.field() + (c.last() ? "|" : ":" + c.text()));
        }

        @Override
        public void onPrediction(Prediction p) {
            prediction = p;
        }
    }

    private GeminiChat.Builder client() {
        return GeminiChat.builder()
                .baseUrl(server.url() + "/v1beta")
                .model("gemini-test")
                .apiKey("AIzaSecret")
                .cache(null);
    }

    @Test
    void streamsEachFieldToTheListenerThenTheParsedPredictionWithUsage() {
        server.enqueue(sse(cotEvents()));
        Collector listener = new Collector();
        Prediction p = ChainOfThought.of("question -> answer: int").withLm(client().build()).stream(
                Map.of("question", "2+2?"), listener);

        assertThat(p.get("answer", Integer.class)).isEqualTo(4);
        assertThat(listener.prediction).isSameAs(p);
        // the thought part never reaches the listener; markers split across chunks are found (trailing spaces wait for
        // more text)
        assertThat(listener.chunks)
                .containsExactly(
                        "predict.reasoning:Two and",
                        "predict.reasoning: two make four.",
                        "predict.reasoning|",
                        "predict.answer:4",
                        "predict.answer|");
        assertThat(p.usage()).isEqualTo(new Usage(40, 15, 8, 0, 3));
        LoopbackServer.Received got = server.last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/v1beta/models/gemini-test:streamGenerateContent");
        assertThat(got.query()).isEqualTo("alt=sse");
        assertThat(got.header("accept")).isEqualTo("text/event-stream");
        assertThat(got.header("x-goog-api-key")).isEqualTo("AIzaSecret");
    }

    /** The streamed request body is byte for byte the generateContent body: Gemini streams by URL, not by a flag. */
    @Test
    void theStreamedBodyIsExactlyTheUnstreamedOne() {
        server.enqueue(sse(cotEvents()));
        server.enqueue(LoopbackServer.json(200, """
                {"candidates":[{"content":{"parts":[{"text":"[[ ## reasoning ## ]]\\nr\\n\\n[[ ## answer ## ]]\\n4"}]},"finishReason":"STOP"}]}
                """));
        GeminiChat lm = client().build();
        ChainOfThought.of("question -> answer: int").withLm(lm).stream(Map.of("question", "2+2?"), c -> {});
        ChainOfThought.of("question -> answer: int").withLm(lm).call(Map.of("question", "2+2?"));
        List<LoopbackServer.Received> rs = server.requests();
        assertThat(rs).hasSize(2);
        assertThat(rs.get(1).path()).isEqualTo("/v1beta/models/gemini-test:generateContent");
        assertThat(rs.get(1).query()).isNull();
        assertThat(rs.get(0).bodyText()).isEqualTo(rs.get(1).bodyText());
        assertThat(rs.get(0).json().path("contents").isArray()).isTrue();
        assertThat(rs.get(0).json().has("stream")).isFalse();
    }

    @Test
    void aSafetyBlockMidStreamIsAContentBlockedExceptionAfterTheTextSoFar() {
        server.enqueue(sse(List.of(
                chunk(text("[[ ## answer ## ]]\nHere is how"), "", ""),
                chunk(
                        text(" to"),
                        ",\"finishReason\":\"SAFETY\",\"safetyRatings\":[{\"category\":\"HARM_CATEGORY_DANGEROUS_CONTENT\","
                                + "\"probability\":\"HIGH\",\"blocked\":true}]",
                        ""))));
        Collector listener = new Collector();
        assertThatThrownBy(() -> Predict.of("question -> answer").withLm(client().build()).stream(
                        Map.of("question", "?"), listener))
                .isInstanceOfSatisfying(ContentBlockedException.class, e -> {
                    assertThat(e.reason()).isEqualTo("SAFETY");
                    assertThat(e.categories()).containsExactly("HARM_CATEGORY_DANGEROUS_CONTENT");
                    assertThat(e.promptBlocked()).isFalse();
                });
        assertThat(listener.chunks).startsWith("self.answer:Here is how");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aBlockedPromptInTheStreamIsAContentBlockedException() {
        server.enqueue(sse(List.of("data: {\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},"
                + "\"usageMetadata\":{\"promptTokenCount\":7}}\n\n")));
        assertThatThrownBy(() -> Predict.of("question -> answer").withLm(client().build()).stream(
                        Map.of("question", "?"), c -> {}))
                .isInstanceOfSatisfying(ContentBlockedException.class, e -> {
                    assertThat(e.reason()).isEqualTo("PROHIBITED_CONTENT");
                    assertThat(e.promptBlocked()).isTrue();
                });
    }

    @Test
    void anErrorChunkFailsTheCallWithGooglesStatus() {
        server.enqueue(
                sse(
                        List.of(
                                chunk(text("[[ ## answer ## ]]\nx"), "", ""),
                                "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\n\n")));
        assertThatThrownBy(() -> Predict.of("question -> answer").withLm(client().build()).stream(
                        Map.of("question", "?"), c -> {}))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("The model is overloaded.")
                .hasMessageContaining("[UNAVAILABLE]");
    }

    @Test
    void aStreamThatEndsWithoutAFinishReasonIsIncomplete() {
        server.enqueue(sse(List.of(chunk(text("[[ ## answer ## ]]\nhal"), "", ""))));
        assertThatThrownBy(() -> Predict.of("question -> answer").withLm(client().build()).stream(
                        Map.of("question", "?"), c -> {}))
                .isInstanceOf(LmException.class)
                .hasMessageContaining("the stream ended before the answer was complete");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    /** With two candidates the stream is read until both finished; only the first one's text is passed on. */
    @Test
    void twoCandidatesAreReadUntilBothFinishedAndOnlyTheFirstIsStreamed() {
        server.enqueue(sse(List.of(
                "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a1\"}]}},{\"index\":1,\"content\":{\"parts\":[{\"text\":\"b1\"}]}}]}\n\n",
                "data: {\"candidates\":[{\"index\":0,\"content\":{\"parts\":[{\"text\":\"a2\"}]},\"finishReason\":\"STOP\"}]}\n\n",
                "data: {\"candidates\":[{\"index\":1,\"content\":{\"parts\":[{\"text\":\"b2\"}]},\"finishReason\":\"MAX_TOKENS\"}],"
                        + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":4}}\n\n")));
        List<String> deltas = new ArrayList<>();
        LmResponse r;
        try (var scope = CallContext.streamingTo(deltas::add)) {
            r = client().build()
                    .complete(new LmRequest(
                            dev.dspy4j.prompt.Prompt.builder().user("q").build(),
                            new java.util.TreeMap<>(),
                            2,
                            null,
                            true));
        }
        assertThat(deltas).containsExactly("a1", "a2");
        assertThat(r.completions()).extracting(Completion::text).containsExactly("a1a2", "b1b2");
        assertThat(r.completions()).extracting(Completion::finishReason).containsExactly("stop", "max_tokens");
        assertThat(r.usage()).isEqualTo(new Usage(3, 4));
        assertThat(server.last()
                        .json()
                        .path("generationConfig")
                        .path("candidateCount")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void theStreamedAnswerIsCachedUnderTheKeyOfTheUnstreamedOne() {
        server.enqueue(sse(cotEvents()));
        GeminiChat lm = client().cache(MemoryCache.create()).build();
        Collector first = new Collector();
        ChainOfThought.of("question -> answer: int").withLm(lm).stream(Map.of("question", "2+2?"), first);
        // the same call without streaming is answered from the cache: no second request
        Prediction plain =
                ChainOfThought.of("question -> answer: int").withLm(lm).call(Map.of("question", "2+2?"));
        assertThat(plain.get("answer", Integer.class)).isEqualTo(4);
        assertThat(plain.cacheHit()).isTrue();
        // and streamed again it is replayed from the cache at once
        Collector second = new Collector();
        Prediction again =
                ChainOfThought.of("question -> answer: int").withLm(lm).stream(Map.of("question", "2+2?"), second);
        assertThat(again.cacheHit()).isTrue();
        assertThat(second.chunks)
                .containsExactly(
                        "predict.reasoning:Two and two make four.",
                        "predict.reasoning|",
                        "predict.answer:4",
                        "predict.answer|");
        assertThat(server.requestCount()).isEqualTo(1);
    }
}
