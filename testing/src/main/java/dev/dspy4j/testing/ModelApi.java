package dev.dspy4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The model APIs {@link LoopbackChatServer} answers, each by its path's last segments, and the
 * completed answer each gives for a completion text (always 100 input and 10 output tokens, model
 * {@code loopback}).
 */
enum ModelApi {
    /** OpenAI chat completions ({@code POST .../chat/completions}): one choice, {@code finish_reason: stop}. */
    CHAT_COMPLETIONS("/chat/completions") {
        @Override
        ObjectNode answer(String text) {
            ObjectNode root = JSON.createObjectNode();
            root.put("id", "chatcmpl-loopback");
            root.put("object", "chat.completion");
            root.put("created", System.currentTimeMillis() / 1000);
            root.put("model", "loopback");
            ObjectNode c = root.putArray("choices").addObject();
            c.put("index", 0);
            ObjectNode msg = c.putObject("message");
            msg.put("role", "assistant");
            msg.put("content", text);
            c.put("finish_reason", "stop");
            ObjectNode usage = root.putObject("usage");
            usage.put("prompt_tokens", 100);
            usage.put("completion_tokens", 10);
            usage.put("total_tokens", 110);
            return root;
        }
    },
    /** Anthropic messages ({@code POST .../messages}): one text block, {@code stop_reason: end_turn}. */
    MESSAGES("/messages") {
        @Override
        ObjectNode answer(String text) {
            ObjectNode root = JSON.createObjectNode();
            root.put("id", "msg_loopback");
            root.put("type", "message");
            root.put("role", "assistant");
            root.put("model", "loopback");
            ObjectNode c = root.putArray("content").addObject();
            c.put("type", "text");
            c.put("text", text);
            root.put("stop_reason", "end_turn");
            ObjectNode usage = root.putObject("usage");
            usage.put("input_tokens", 100);
            usage.put("output_tokens", 10);
            return root;
        }
    },
    /** OpenAI responses ({@code POST .../responses}); see {@link LoopbackResponses}, which also streams. */
    RESPONSES("/responses") {
        @Override
        ObjectNode answer(String text) {
            return LoopbackResponses.response(text);
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String suffix;

    ModelApi(String suffix) {
        this.suffix = suffix;
    }

    /** The API whose path {@code path} ends with, or null if none. */
    static ModelApi of(String path) {
        for (ModelApi api : values()) {
            if (path.endsWith(api.suffix)) return api;
        }
        return null;
    }

    /** The completed answer carrying {@code text}, as this API's response object. */
    abstract ObjectNode answer(String text);

    /** {@link #answer} as JSON text. */
    String body(String text) throws IOException {
        return JSON.writeValueAsString(answer(text));
    }
}
