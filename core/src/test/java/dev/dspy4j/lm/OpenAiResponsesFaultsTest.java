package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.adapter.RefusalException;
import dev.dspy4j.lm.openai.OpenAiResponses;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.prompt.Prompt;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Responses client against each fault a server can send, plain and streamed. */
class OpenAiResponsesFaultsTest {
    private static final String KEY = "sk-secret-0123456789";
    private final LoopbackServer server = LoopbackServer.start();
    private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiResponses lm() {
        return OpenAiResponses.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-4.1-mini")
                .apiKey(KEY)
                .cache(null)
                .retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)))
                .retryListener((attempt, failure, delay) -> waits.add(delay))
                .build();
    }

    private static LmRequest hi() {
        return LmRequest.of(Prompt.builder().user("hi").build());
    }

    private static String answer(String text) {
        return OpenAiResponsesWireTest.response(text);
    }

    private static LoopbackServer.Reply sse(String... events) {
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

    private static String event(String type, String json) {
        return "event: " + type + "\ndata: {\"type\":\"" + type + "\"" + (json.isEmpty() ? "" : "," + json) + "}\n\n";
    }

    private static String delta(String text) {
        return event(
                "response.output_text.delta",
                "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":"
                        + new com.fasterxml.jackson.databind.ObjectMapper()
                                .getNodeFactory()
                                .textNode(text));
    }

    @Test
    void a429IsRetriedAfterTheServersRetryAfter() {
        server.enqueue(
                LoopbackServer.json(
                        429,
                        "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
                                + "\"code\":\"rate_limit_exceeded\"}}",
                        "Retry-After",
                        "1"),
                LoopbackServer.json(200, answer("ok")));
        LmResponse r = lm().complete(hi());
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void a5xxIsRetriedAndA400IsNot() {
        server.enqueue(
                LoopbackServer.json(500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"),
                LoopbackServer.json(503, "overloaded"),
                LoopbackServer.json(200, answer("fine")));
        assertThat(lm().complete(hi()).first().text()).isEqualTo("fine");
        assertThat(server.requestCount()).isEqualTo(3);

        server.enqueue(
                LoopbackServer.json(
                        400,
                        "{\"error\":{\"message\":\"Invalid value: 'input_txt'.\",\"type\":"
                                + "\"invalid_request_error\",\"param\":\"input[0].content[0].type\",\"code\":\"invalid_value\"}}"));
        assertThatThrownBy(() -> lm().complete(hi()))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("OpenAI responses at " + server.url() + "/v1/responses answered HTTP 400")
                .hasMessageContaining("Invalid value: 'input_txt'.")
                .hasMessageContaining("[invalid_value]");
        assertThat(server.requestCount()).isEqualTo(4);
    }

    @Test
    void a401IsAnAuthenticationErrorWithTheKeyRedacted() {
        server.enqueue(LoopbackServer.json(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        assertThatThrownBy(() -> lm().complete(hi()))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("Incorrect API key provided: ***")
                .hasMessageNotContaining(KEY);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void incompleteForMaxOutputTokensIsATruncatedCompletion() {
        server.enqueue(
                LoopbackServer.json(
                        200,
                        answer("partial")
                                .replace(
                                        "\"status\":\"completed\",\"model\"",
                                        "\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"model\"")));
        Completion c = lm().complete(hi()).first();
        assertThat(c.text()).isEqualTo("partial");
        assertThat(c.finishReason()).isEqualTo("length");
        assertThat(c.truncated()).isTrue();
    }

    @Test
    void incompleteForContentFilterIsContentBlocked() {
        server.enqueue(
                LoopbackServer.json(
                        200,
                        "{\"object\":\"response\",\"status\":\"incomplete\",\"incomplete_details\":"
                                + "{\"reason\":\"content_filter\"},\"output\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":0}}"));
        assertThatThrownBy(() -> lm().complete(hi()))
                .isInstanceOf(ContentBlockedException.class)
                .hasMessageContaining("blocked (incomplete, content_filter)")
                .satisfies(
                        e -> assertThat(((ContentBlockedException) e).reason()).isEqualTo("content_filter"));
        assertThat(server.requestCount()).as("not retried").isEqualTo(1);
    }

    @Test
    void aRefusalPartIsKeptAndRaisedByTheAdapter() {
        String refusal =
                "{\"object\":\"response\",\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"role\":\"assistant\","
                        + "\"content\":[{\"type\":\"refusal\",\"refusal\":\"I can't help with that.\"}]}],\"usage\":{\"input_tokens\":3,\"output_tokens\":6}}";
        server.enqueue(LoopbackServer.json(200, refusal), LoopbackServer.json(200, refusal));
        Completion c = lm().complete(hi()).first();
        assertThat(c.refusal()).isEqualTo("I can't help with that.");
        assertThat(c.text()).isEmpty();
        assertThatThrownBy(() -> Predict.of("q -> a").withLm(lm()).call(Map.of("q", "x")))
                .isInstanceOf(RefusalException.class)
                .hasMessageContaining("I can't help with that.");
    }

    @Test
    void aFailedResponseIsAServerErrorWithItsMessage() {
        server.enqueue(LoopbackServer.json(
                200,
                "{\"object\":\"response\",\"status\":\"failed\",\"error\":{\"code\":\"server_error\","
                        + "\"message\":\"The model failed.\"},\"output\":[]}"));
        assertThatThrownBy(() -> lm().complete(hi()))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("the response failed: The model failed. [server_error]");
    }

    @Test
    void aBodyWithoutOutputIsMalformed() {
        server.enqueue(LoopbackServer.json(200, "{\"object\":\"response\",\"status\":\"completed\"}"));
        assertThatThrownBy(() -> lm().complete(hi()))
                .isInstanceOf(LmException.class)
                .hasMessageContaining("unexpected response (HTTP 200): the response has no \"output\" list");
    }

    @Test
    void aStreamedAnswerPassesDeltasOnAndIsReadFromTheCompletedEvent() {
        String done = answer("[[ ## a ## ]]\nParis\n\n[[ ## completed ## ]]");
        server.enqueue(sse(
                event("response.created", "\"response\":{\"status\":\"in_progress\",\"output\":[]}"),
                delta("[[ ## a ## ]]\nPar"),
                delta("is\n\n[[ ## completed ## ]]"),
                event("response.completed", "\"response\":" + done)));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Prediction p = Predict.of("q -> a").withLm(lm()).stream(Map.of("q", "capital?"), c -> seen.add(c.text()));
        assertThat(p.getString("a")).isEqualTo("Paris");
        assertThat(String.join("", seen)).isEqualTo("Paris");
        assertThat(p.usage()).isEqualTo(new Usage(40, 9, 32, 0, 4));
        assertThat(server.last().json().path("stream").asBoolean()).isTrue();
        assertThat(server.last().header("accept")).isEqualTo("text/event-stream");
    }

    @Test
    void aStreamedIncompleteAnswerIsTruncated() {
        server.enqueue(
                sse(
                        delta("Par"),
                        event(
                                "response.incomplete",
                                "\"response\":{\"object\":\"response\",\"status\":\"incomplete\","
                                        + "\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}")));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        LmResponse r = streamed(seen);
        assertThat(r.first().text())
                .as("the streamed text, since the final object had no output")
                .isEqualTo("Par");
        assertThat(r.first().truncated()).isTrue();
        assertThat(seen).containsExactly("Par");
    }

    /** Calls the LM with a stream listener as modules do. */
    private LmResponse streamed(List<String> seen) {
        try (CallContext.Scope s = CallContext.streamingTo(seen::add)) {
            return lm().complete(hi());
        }
    }

    @Test
    void streamedErrorsAreServerErrorsAndMalformedDataIsNamed() {
        server.enqueue(sse(event(
                "response.failed",
                "\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\","
                        + "\"message\":\"Something broke.\"}}")));
        assertThatThrownBy(() -> Predict.of("q -> a").withLm(lm()).stream(Map.of("q", "x"), c -> {}))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("sent an error in the stream: Something broke. [server_error]");

        server.enqueue(
                sse(event("error", "\"code\":\"rate_limit_exceeded\",\"message\":\"Slow down.\",\"param\":null")));
        assertThatThrownBy(() -> Predict.of("q -> a").withLm(lm()).stream(Map.of("q", "y"), c -> {}))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("Slow down. [rate_limit_exceeded]");

        server.enqueue(sse(
                "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\n\n"));
        assertThatThrownBy(() -> Predict.of("q -> a").withLm(lm()).stream(Map.of("q", "z"), c -> {}))
                .isInstanceOf(LmException.class)
                .hasMessageContaining("unexpected streamed response: a streamed Responses event is not JSON");
    }

    @Test
    void aStreamedRequestForTwoCompletionsStreamsTheFirstAndSendsTheSecond() {
        server.enqueue(
                sse(delta("one"), event("response.completed", "\"response\":" + answer("one"))),
                LoopbackServer.json(200, answer("two")));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        LmResponse r;
        try (CallContext.Scope s = CallContext.streamingTo(seen::add)) {
            r = lm().complete(hi().withN(2));
        }
        assertThat(r.completions()).extracting(Completion::text).containsExactly("one", "two");
        assertThat(seen).containsExactly("one");
        assertThat(server.requests())
                .extracting(q -> q.json().path("stream").asBoolean())
                .containsExactly(true, false);
        assertThat(r.usage()).isEqualTo(new Usage(80, 18, 64, 0, 8));
    }
}
