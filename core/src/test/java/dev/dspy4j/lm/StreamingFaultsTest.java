package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streamed answers that fail (HTTP errors, cut or endless streams) and how streaming meets the cache. */
class StreamingFaultsTest {
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
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

    private static String chunk(String content) {
        return "data: {\"object\":\"chat.completion.chunk\",\"model\":\"m-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + new com.fasterxml.jackson.databind.ObjectMapper()
                        .getNodeFactory()
                        .textNode(content) + "},\"finish_reason\":null}]}\n\n";
    }

    private static LoopbackServer.Reply whole(String answer) {
        return sse(
                chunk("[[ ## answer ## ]]\n"),
                chunk(answer + "\n\n[[ ## completed ## ]]"),
                "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
                "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":5}}\n\n",
                "data: [DONE]\n\n");
    }

    private OpenAiChat.Builder lm() {
        return OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("m")
                .apiKey("sk-secret-0123456789")
                .retryPolicy(RetryPolicy.defaults()
                        .withBackoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5)));
    }

    private static List<String> chunks() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    @Test
    void anHttpErrorOnAStreamRequestIsTheTypedErrorWithTheProvidersMessageAndNoChunks() {
        server.enqueue(LoopbackServer.json(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided: sk-secret-0123456789\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        List<String> seen = chunks();
        assertThatThrownBy(
                        () -> Predict.of("q -> answer").withLm(lm().cache(null).build()).stream(
                                Map.of("q", "x"), c -> seen.add(c.text())))
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("Incorrect API key provided: ***")
                .hasMessageNotContaining("sk-secret-0123456789");
        assertThat(seen).isEmpty();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aStreamedAnswerIsCachedUnderTheKeyOfTheSameCallNotStreamed() {
        server.enqueue(whole("Paris"));
        Predict qa = Predict.of("q -> answer")
                .withLm(lm().cache(MemoryCache.create()).build());
        assertThat(qa.stream(Map.of("q", "capital of France?"), c -> {}).getString("answer"))
                .isEqualTo("Paris");
        Prediction plain = qa.call(Map.of("q", "capital of France?"));
        assertThat(plain.getString("answer")).isEqualTo("Paris");
        assertThat(plain.cacheHit()).isTrue();
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aStreamCutAfterTextOrAnErrorEventIsNeverCached() {
        server.enqueue(
                sse(chunk("[[ ## answer ## ]]\nPar")), // cut: no finish, no [DONE]
                sse(
                        chunk("[[ ## answer ## ]]\nPa"),
                        "data: {\"error\":{\"message\":\"server overloaded\",\"type\":\"server_error\"}}\n\n"),
                LoopbackServer.json(
                        200, LoopbackServer.chatCompletion("[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]")));
        Predict qa = Predict.of("q -> answer")
                .withLm(lm().cache(MemoryCache.create()).build());
        assertThatThrownBy(() -> qa.stream(Map.of("q", "capital?"), c -> {}))
                .isInstanceOf(LmException.class)
                .hasMessageContaining("the stream ended before the answer was complete");
        assertThatThrownBy(() -> qa.stream(Map.of("q", "capital?"), c -> {}))
                .isInstanceOf(ServerException.class)
                .hasMessageContaining("server overloaded");
        assertThat(server.requestCount()).isEqualTo(2); // text had arrived: neither was retried
        Prediction p = qa.call(Map.of("q", "capital?"));
        assertThat(p.cacheHit()).isFalse();
        assertThat(p.getString("answer")).isEqualTo("Paris");
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void anEndlessStreamFailsAtTheResponseLimitAndIsNotRetried() {
        server.enqueue(ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            byte[] keepAlive = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
            for (long sent = 0; sent < 256L * 1024 * 1024; sent += keepAlive.length)
                out.write(keepAlive); // until the client leaves
            throw new IOException("the client should have stopped reading long ago");
        });
        List<String> seen = chunks();
        assertThatThrownBy(() ->
                        Predict.of("q -> answer")
                                .withLm(lm().cache(null)
                                        .maxResponseBytes(64 * 1024)
                                        .build())
                                .stream(Map.of("q", "x"), c -> seen.add(c.text())))
                .isInstanceOf(ResponseTooLargeException.class)
                .hasMessageContaining("larger than 65536 bytes");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    /** One endless line (no line end ever) also stops at the limit, not at the timeout or when memory runs out. */
    @Test
    void anEndlessLineFailsAtTheResponseLimit() {
        server.enqueue(ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("data: ".getBytes(StandardCharsets.UTF_8));
            byte[] x = new byte[8192];
            java.util.Arrays.fill(x, (byte) 'x');
            for (int i = 0; i < 256; i++) out.write(x); // 2 MB of one line, then the stream stays open
            out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThatThrownBy(() -> Predict.of("q -> answer")
                        .withLm(lm().cache(null)
                                .maxResponseBytes(64 * 1024)
                                .timeout(java.time.Duration.ofSeconds(30))
                                .build())
                        .stream(Map.of("q", "x"), c -> {}))
                .isInstanceOf(ResponseTooLargeException.class);
        assertThat(server.requestCount()).isEqualTo(1);
    }
}
