package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.prompt.Prompt;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Providers without {@code n} (Anthropic messages, OpenAI responses) make one call per completion, also
 * when the call is streamed: the first completion streams, the others are sent plainly.
 */
class OneCallPerCompletionTest {
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static LoopbackServer.Reply anthropicStream(String text) {
        String events =
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"type\":\"message\",\"role\":\"assistant\","
                        + "\"model\":\"claude-x\",\"content\":[],\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n"
                        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\""
                        + text + "\"}}\n\n"
                        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":4}}\n\n"
                        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(events.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    @Test
    void anthropicStreamsTheFirstOfThreeCompletionsAndSendsTheOthers() {
        server.enqueue(
                anthropicStream("one"),
                LoopbackServer.json(200, LoopbackServer.anthropicMessage("two")),
                LoopbackServer.json(200, LoopbackServer.anthropicMessage("three")));
        AnthropicChat lm = AnthropicChat.builder()
                .baseUrl(server.url())
                .model("claude-x")
                .cache(null)
                .build();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        LmResponse r;
        try (CallContext.Scope s = CallContext.streamingTo(seen::add)) {
            r = lm.complete(LmRequest.of(Prompt.builder().user("hi").build()).withN(3));
        }
        assertThat(r.completions()).extracting(Completion::text).containsExactly("one", "two", "three");
        assertThat(seen).containsExactly("one");
        assertThat(server.requests())
                .extracting(q -> q.json().path("stream").asBoolean())
                .containsExactly(true, false, false);
        assertThat(r.usage()).isEqualTo(new Usage(36, 12));
    }
}
