package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.module.StreamListener;
import dev.dspy4j.prompt.Prompt;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streamed answers (SSE) from OpenAI-compatible and Anthropic servers on loopback, split into fields. */
class StreamingAnswersTest {
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends each SSE event on its own and flushes; {@code gate} (if any) is awaited after the first event. */
    private static LoopbackServer.Reply sse(List<String> events, CountDownLatch gate) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (int i = 0; i < events.size(); i++) {
                out.write(events.get(i).getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (i == 0 && gate != null) {
                    try {
                        if (!gate.await(10, TimeUnit.SECONDS))
                            throw new IOException("the client never saw the first piece");
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
            }
            out.close();
        };
    }

    private static String openAiChunk(String content) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":"
                + new com.fasterxml.jackson.databind.ObjectMapper()
                        .getNodeFactory()
                        .textNode(content)
                + "},\"finish_reason\":null}]}\n\n";
    }

    /** The answer of a ChainOfThought, cut into pieces that split the markers themselves. */
    private static final List<String> PIECES = List.of(
            "[[ ## reas",
            "oning ## ]]\nTwo and ",
            "two make four.\n\n[",
            "[ ## answer ##",
            " ]]\n4",
            "\n\n[[ ## completed ## ]]");

    private static List<String> openAiEvents() {
        List<String> events = new ArrayList<>();
        events.add(
                "data: {\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        for (String p : PIECES) events.add(openAiChunk(p));
        events.add(
                "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        events.add(
                ": a comment line, ignored\n\ndata: {\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":12,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":32}}}\n\n");
        events.add("data: [DONE]\n\n");
        return events;
    }

    /** Collects chunks as "predictor.field:text" and "predictor.field|" for a last piece. */
    private static final class Collector implements StreamListener {
        final List<String> chunks = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch first = new CountDownLatch(1);
        Prediction prediction;

        @Override
        public void onChunk(StreamChunk c) {
            chunks.add(c.predictor() + "." + c.field() + (c.last() ? "|" : ":" + c.text()));
            first.countDown();
        }

        @Override
        public void onPrediction(Prediction p) {
            prediction = p;
        }

        String joined(String field) {
            StringBuilder sb = new StringBuilder();
            for (String c : chunks) {
                String prefix = "predict." + field + ":";
                if (c.startsWith(prefix)) sb.append(c.substring(prefix.length()));
            }
            return sb.toString();
        }
    }

    @Test
    void openAiStreamsEachFieldAsItArrivesThenTheParsedPrediction() {
        Collector listener = new Collector();
        // the server sends the rest only after the listener got the first field piece: proof it arrived early
        server.enqueue(sse(openAiEvents(), null));
        ChainOfThought cot = ChainOfThought.of("question -> answer: int");
        LanguageModel lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-4o-mini")
                .cache(null)
                .build();
        Prediction p = cot.withLm(lm).stream(Map.of("question", "2+2?"), listener);

        assertThat(p.get("answer", Integer.class)).isEqualTo(4);
        assertThat(listener.prediction).isSameAs(p);
        assertThat(listener.joined("reasoning")).isEqualTo("Two and two make four.");
        assertThat(listener.joined("answer")).isEqualTo("4");
        assertThat(listener.chunks)
                .containsSubsequence(
                        "predict.reasoning:Two and", "predict.reasoning|", "predict.answer:4", "predict.answer|");
        assertThat(p.usage()).isEqualTo(new Usage(50, 12, 32, 0, 0));
        var body = server.last().json();
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
        assertThat(server.last().header("accept")).isEqualTo("text/event-stream");
    }

    @Test
    void piecesReachTheListenerBeforeTheAnswerIsComplete() {
        Collector listener = new Collector();
        List<String> events = new ArrayList<>();
        events.add(openAiChunk("[[ ## answer ## ]]\nfour"));
        events.add(openAiChunk(" and more\n\n[[ ## completed ## ]]"));
        events.add("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        events.add("data: [DONE]\n\n");
        // the server holds back everything after the first event until the listener has seen a piece
        server.enqueue(sse(events, listener.first));
        Predict qa = Predict.of("question -> answer")
                .withLm(OpenAiChat.builder()
                        .baseUrl(server.url() + "/v1")
                        .model("m")
                        .cache(null)
                        .build());
        Prediction p = qa.stream(Map.of("question", "?"), listener);
        assertThat(p.getString("answer")).isEqualTo("four and more");
        assertThat(listener.chunks).containsExactly("self.answer:four", "self.answer: and more", "self.answer|");
    }

    @Test
    void aCachedAnswerIsReplayedToTheListenerAtOnce() {
        server.enqueue(sse(openAiEvents(), null));
        LanguageModel lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-4o-mini")
                .cache(MemoryCache.create())
                .build();
        dev.dspy4j.module.Module cot =
                ChainOfThought.of("question -> answer: int").withLm(lm);
        Collector first = new Collector();
        cot.stream(Map.of("question", "2+2?"), first);
        Collector second = new Collector();
        Prediction p = cot.stream(Map.of("question", "2+2?"), second);
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(p.cacheHit()).isTrue();
        assertThat(second.joined("reasoning")).isEqualTo("Two and two make four.");
        assertThat(second.chunks)
                .containsExactly(
                        "predict.reasoning:Two and two make four.",
                        "predict.reasoning|",
                        "predict.answer:4",
                        "predict.answer|");
    }

    @Test
    void anthropicStreamsTextDeltasAndReadsUsageFromStartAndDelta() {
        List<String> events = List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-20250514\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":20,\"cache_read_input_tokens\":100,\"output_tokens\":1}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: ping\ndata: {\"type\":\"ping\"}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"[[ ## answer ## ]]\\nPa\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"ris\\n\\n[[ ## completed ## ]]\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        server.enqueue(sse(events, null));
        LanguageModel lm = AnthropicChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("claude-sonnet-4")
                .apiKey("k")
                .cache(null)
                .build();
        Collector listener = new Collector();
        Prediction p =
                Predict.of("question -> answer").withLm(lm).stream(Map.of("question", "capital of France?"), listener);
        assertThat(p.getString("answer")).isEqualTo("Paris");
        assertThat(listener.chunks).containsExactly("self.answer:Pa", "self.answer:ris", "self.answer|");
        assertThat(p.usage()).isEqualTo(new Usage(120, 9, 100, 0, 0));
        assertThat(server.last().json().path("stream").asBoolean()).isTrue();
    }

    /**
     * The Messages API's {@code message_delta} usage has nullable input counts (the SDKs type them
     * optional): a null there must not erase the counts {@code message_start} gave.
     */
    @Test
    void anthropicNullUsageCountsInMessageDeltaKeepThoseOfMessageStart() {
        List<String> events = List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\",\"content\":[],\"usage\":{\"input_tokens\":20,\"cache_creation_input_tokens\":7,\"cache_read_input_tokens\":100,\"output_tokens\":1}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"[[ ## a ## ]]\\nyes\"}}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"input_tokens\":null,\"cache_creation_input_tokens\":null,\"cache_read_input_tokens\":null,\"output_tokens\":9}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        server.enqueue(sse(events, null));
        LanguageModel lm = AnthropicChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("claude-x")
                .apiKey("k")
                .cache(null)
                .build();
        Prediction p = Predict.of("q -> a").withLm(lm).stream(Map.of("q", "x"), c -> {});
        assertThat(p.getString("a")).isEqualTo("yes");
        assertThat(p.usage()).isEqualTo(new Usage(127, 9, 100, 7, 0));
    }

    /** A streamed refusal (stop_reason refusal, no text) is raised as one, as an unstreamed one is. */
    @Test
    void anthropicStreamedRefusalWithoutTextIsARefusal() {
        List<String> events = List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\",\"content\":[],\"usage\":{\"input_tokens\":5}}}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"refusal\"},\"usage\":{\"output_tokens\":0}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        server.enqueue(sse(events, null));
        LanguageModel lm = AnthropicChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("claude-x")
                .apiKey("k")
                .cache(null)
                .build();
        assertThatThrownBy(() -> Predict.of("q -> a").withLm(lm).stream(Map.of("q", "x"), c -> {}))
                .isInstanceOf(dev.dspy4j.adapter.RefusalException.class)
                .hasMessageContaining("finish reason refusal");
    }

    @Test
    void anErrorEventInTheStreamFailsTheCallWithTheProvidersMessage() {
        List<String> events = List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\",\"usage\":{\"input_tokens\":1}}}\n\n",
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
        server.enqueue(sse(events, null));
        LanguageModel lm = AnthropicChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("claude-x")
                .apiKey("k")
                .cache(null)
                .build();
        assertThatThrownBy(() -> Predict.of("q -> a").withLm(lm).stream(Map.of("q", "x"), c -> {}))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("Overloaded")
                .hasMessageContaining("[overloaded_error]");
    }

    @Test
    void aStreamCutBeforeAnyTextIsRetriedAndOneCutAfterIsNot() {
        // first attempt: the stream ends without [DONE] and without text, so it is retried
        server.enqueue(
                sse(List.of("data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n"), null),
                sse(openAiEvents(), null));
        LanguageModel lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("m")
                .cache(null)
                .retryPolicy(RetryPolicy.defaults()
                        .withBackoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5)))
                .build();
        Collector listener = new Collector();
        ChainOfThought.of("question -> answer: int").withLm(lm).stream(Map.of("question", "2+2?"), listener);
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(listener.joined("answer")).isEqualTo("4");

        // now text arrives, then the stream ends early: the listener saw text, so the call fails at once
        server.enqueue(sse(List.of(openAiChunk("[[ ## answer ## ]]\nhal")), null));
        int before = server.requestCount();
        assertThatThrownBy(
                        () -> Predict.of("question -> answer").withLm(lm).stream(Map.of("question", "other"), c -> {}))
                .isInstanceOf(LmException.class)
                .hasMessageContaining("the stream ended before the answer was complete");
        assertThat(server.requestCount()).isEqualTo(before + 1);
    }

    @Test
    void aServerThatIgnoresStreamAndAnswersWithJsonIsReadAsUsualAndTheTextArrivesWhole() {
        server.enqueue(LoopbackServer.json(
                200, LoopbackServer.chatCompletion("[[ ## answer ## ]]\nwhole\n\n[[ ## completed ## ]]")));
        Predict qa = Predict.of("question -> answer")
                .withLm(OpenAiChat.builder()
                        .baseUrl(server.url() + "/v1")
                        .model("m")
                        .cache(null)
                        .build());
        Collector listener = new Collector();
        Prediction p = qa.stream(Map.of("question", "?"), listener);
        assertThat(p.getString("answer")).isEqualTo("whole");
        assertThat(listener.chunks).containsExactly("self.answer:whole", "self.answer|");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(server.last().json().path("stream").asBoolean()).isTrue();
    }

    @Test
    void withoutAListenerTheSameClientDoesNotStream() {
        server.enqueue(LoopbackServer.json(200, LoopbackServer.chatCompletion("plain")));
        LanguageModel lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("m")
                .cache(null)
                .build();
        assertThat(lm.complete(LmRequest.of(Prompt.builder().user("hi").build()))
                        .first()
                        .text())
                .isEqualTo("plain");
        assertThat(server.last().json().has("stream")).isFalse();
    }
}
