package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.lm.http.StreamDecoder;
import java.util.Map;
import java.util.TreeMap;

/**
 * A streamed chat completion ({@code "stream": true}, {@code stream_options.include_usage}): chunks of
 * {@code choices[].delta} (content, refusal, tool calls by index), a last chunk with {@code usage}, then
 * {@code [DONE]}; put back together as a {@code chat.completion}.
 */
final class OpenAiStream implements StreamDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, Choice> choices = new TreeMap<>();
    private String model;
    private JsonNode usage;
    private boolean done;

    private static final class Choice {
        final StringBuilder content = new StringBuilder();
        StringBuilder refusal;
        String finishReason;
        final Map<Integer, ObjectNode> toolCalls = new TreeMap<>();
        final Map<Integer, StringBuilder> arguments = new TreeMap<>();
    }

    @Override
    public void onEvent(String event, String data, TextStream text) {
        if (data.strip().equals("[DONE]")) {
            done = true;
            return;
        }
        JsonNode chunk = StreamDecoder.readJson(JSON, data, "a streamed chunk");
        JsonNode error = chunk.path("error");
        if (error.isObject()) {
            throw new StreamError(
                    error.path("message").asText("the server sent an error"),
                    error.hasNonNull("code")
                            ? error.path("code").asText()
                            : error.path("type").asText(null));
        }
        if (chunk.hasNonNull("model")) model = chunk.path("model").asText();
        if (chunk.path("usage").isObject()) usage = chunk.path("usage");
        for (JsonNode c : chunk.path("choices")) {
            int index = c.path("index").asInt(0);
            Choice choice = choices.computeIfAbsent(index, i -> new Choice());
            JsonNode delta = c.path("delta");
            String content =
                    delta.path("content").isTextual() ? delta.path("content").asText() : "";
            if (!content.isEmpty()) {
                choice.content.append(content);
                if (index == 0) text.onText(content);
            }
            if (delta.path("refusal").isTextual()) {
                if (choice.refusal == null) choice.refusal = new StringBuilder();
                choice.refusal.append(delta.path("refusal").asText());
            }
            for (JsonNode tc : delta.path("tool_calls")) {
                int ti = tc.path("index").asInt(0);
                ObjectNode call = choice.toolCalls.computeIfAbsent(ti, i -> JSON.createObjectNode());
                if (tc.hasNonNull("id")) call.put("id", tc.path("id").asText());
                if (tc.hasNonNull("type")) call.put("type", tc.path("type").asText());
                JsonNode fn = tc.path("function");
                ObjectNode f = call.has("function") ? (ObjectNode) call.get("function") : call.putObject("function");
                if (fn.hasNonNull("name")) f.put("name", fn.path("name").asText());
                if (fn.path("arguments").isTextual()) {
                    choice.arguments
                            .computeIfAbsent(ti, i -> new StringBuilder())
                            .append(fn.path("arguments").asText());
                }
            }
            if (c.hasNonNull("finish_reason"))
                choice.finishReason = c.path("finish_reason").asText();
        }
    }

    @Override
    public boolean done() {
        return done;
    }

    @Override
    public ObjectNode assembled() {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "chat.completion");
        if (model != null) root.put("model", model);
        ArrayNode out = root.putArray("choices");
        choices.forEach((index, c) -> {
            ObjectNode o = out.addObject();
            o.put("index", index);
            ObjectNode message = o.putObject("message");
            message.put("role", "assistant");
            message.put("content", c.content.toString());
            if (c.refusal != null) message.put("refusal", c.refusal.toString());
            if (!c.toolCalls.isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                c.toolCalls.forEach((ti, call) -> {
                    StringBuilder args = c.arguments.get(ti);
                    ((ObjectNode) call.get("function")).put("arguments", args == null ? "" : args.toString());
                    calls.add(call);
                });
            }
            if (c.finishReason != null) o.put("finish_reason", c.finishReason);
        });
        if (usage != null) root.set("usage", usage);
        return root;
    }
}
