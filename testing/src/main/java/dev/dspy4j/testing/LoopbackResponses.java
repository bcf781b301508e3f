package dev.dspy4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The OpenAI Responses API answers of {@link LoopbackChatServer} ({@code POST .../responses}): a
 * completed response object with one {@code output_text} part, or, for a request with
 * {@code "stream": true}, the server-sent events OpenAI sends ({@code response.created}, the text as
 * {@code response.output_text.delta} events, {@code response.completed} with the whole response).
 */
final class LoopbackResponses {
    private LoopbackResponses() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A top-level stream flag, as clients write it near the start of the body. */
    private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");
    /** How much of the body's start is searched for the stream flag. */
    static final int HEAD_BYTES = 4096;

    /** True if the body's start (its first {@value #HEAD_BYTES} bytes) asks for a stream. */
    static boolean wantsStream(byte[] head, int length) {
        return STREAM.matcher(new String(head, 0, Math.min(length, HEAD_BYTES), StandardCharsets.UTF_8))
                .find();
    }

    /** The response object for {@code text}. */
    static ObjectNode response(String text) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "resp_loopback");
        root.put("object", "response");
        root.put("created_at", System.currentTimeMillis() / 1000);
        root.put("status", "completed");
        root.put("model", "loopback");
        ObjectNode message = root.putArray("output").addObject();
        message.put("type", "message");
        message.put("id", "msg_loopback");
        message.put("status", "completed");
        message.put("role", "assistant");
        ObjectNode part = message.putArray("content").addObject();
        part.put("type", "output_text");
        part.put("text", text);
        part.putArray("annotations");
        ObjectNode usage = root.putObject("usage");
        usage.put("input_tokens", 100);
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", 10);
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", 110);
        return root;
    }

    /** The non-streamed body. */
    static String body(String text) throws IOException {
        return JSON.writeValueAsString(response(text));
    }

    /** The event stream: created, the text in two deltas, completed. */
    static String events(String text) throws IOException {
        ObjectNode done = response(text);
        ObjectNode created = done.deepCopy();
        created.put("status", "in_progress");
        created.putArray("output");
        created.remove("usage");
        StringBuilder sb = new StringBuilder();
        event(sb, "response.created", JSON.createObjectNode().set("response", created));
        int half = text.length() / 2;
        if (half > 0 && Character.isLowSurrogate(text.charAt(half))) half--;
        for (String delta : new String[] {text.substring(0, half), text.substring(half)}) {
            if (delta.isEmpty()) continue;
            ObjectNode d = JSON.createObjectNode();
            d.put("item_id", "msg_loopback");
            d.put("output_index", 0);
            d.put("content_index", 0);
            d.put("delta", delta);
            event(sb, "response.output_text.delta", d);
        }
        event(sb, "response.completed", JSON.createObjectNode().set("response", done));
        return sb.toString();
    }

    private static void event(StringBuilder sb, String type, ObjectNode data) throws IOException {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", type);
        e.setAll(data);
        sb.append("event: ")
                .append(type)
                .append('\n')
                .append("data: ")
                .append(JSON.writeValueAsString(e))
                .append("\n\n");
    }
}
