package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.lm.http.StreamDecoder;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A streamed Messages answer ({@code "stream": true}): {@code message_start} (model, input usage),
 * {@code content_block_start}/{@code content_block_delta} ({@code text_delta}, {@code input_json_delta},
 * {@code citations_delta})/{@code content_block_stop}, {@code message_delta} (stop reason, output
 * usage), {@code message_stop}; {@code ping} is ignored and {@code error} fails the call. Put back
 * together as a {@code message}.
 */
final class AnthropicStream implements StreamDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ObjectNode message = JSON.createObjectNode();
    private final Map<Integer, ObjectNode> blocks = new TreeMap<>();
    private final Map<Integer, StringBuilder> texts = new TreeMap<>();
    private final Map<Integer, StringBuilder> inputs = new TreeMap<>();
    private final ObjectNode usage = JSON.createObjectNode();
    private boolean done;

    @Override
    public void onEvent(String event, String data, TextStream text) {
        JsonNode e = StreamDecoder.readJson(JSON, data, "a streamed event");
        String type = e.path("type").asText(event);
        switch (type) {
            case "message_start" -> {
                if (e.path("message").isObject()) message = ((ObjectNode) e.path("message")).deepCopy();
                usage.setAll((ObjectNode) objectOrEmpty(message.path("usage")));
            }
            case "content_block_start" -> {
                int i = e.path("index").asInt(0);
                JsonNode block = e.path("content_block");
                ObjectNode b = block.isObject() ? ((ObjectNode) block).deepCopy() : JSON.createObjectNode();
                blocks.put(i, b);
                if ("text".equals(b.path("type").asText())) {
                    texts.put(i, new StringBuilder(b.path("text").asText("")));
                    if (!b.path("citations").isArray()) b.putArray("citations");
                }
            }
            case "content_block_delta" -> {
                int i = e.path("index").asInt(0);
                JsonNode d = e.path("delta");
                switch (d.path("type").asText("")) {
                    case "text_delta" -> {
                        String t = d.path("text").asText("");
                        texts.computeIfAbsent(i, k -> new StringBuilder()).append(t);
                        if (!t.isEmpty()) text.onText(t);
                    }
                    case "input_json_delta" ->
                        inputs.computeIfAbsent(i, k -> new StringBuilder())
                                .append(d.path("partial_json").asText(""));
                    case "citations_delta" -> {
                        ObjectNode b = blocks.computeIfAbsent(
                                i, k -> JSON.createObjectNode().put("type", "text"));
                        ArrayNode cs = b.path("citations").isArray()
                                ? (ArrayNode) b.get("citations")
                                : b.putArray("citations");
                        if (d.path("citation").isObject()) cs.add(d.path("citation"));
                    }
                    default -> {} // thinking and signature deltas are not part of the answer
                }
            }
            case "message_delta" -> {
                JsonNode d = e.path("delta");
                if (d.hasNonNull("stop_reason"))
                    message.put("stop_reason", d.path("stop_reason").asText());
                // cumulative counts; one given as null (the API types them optional) keeps message_start's
                objectOrEmpty(e.path("usage")).properties().forEach(f -> {
                    if (!f.getValue().isNull()) usage.set(f.getKey(), f.getValue());
                });
            }
            case "message_stop" -> done = true;
            case "error" -> {
                JsonNode err = e.path("error");
                throw new StreamError(
                        err.path("message").asText("the server sent an error"),
                        err.path("type").asText(null));
            }
            default -> {} // ping, and event types added later
        }
    }

    private static JsonNode objectOrEmpty(JsonNode n) {
        return n.isObject() ? n : JSON.createObjectNode();
    }

    @Override
    public boolean done() {
        return done;
    }

    @Override
    public ObjectNode assembled() {
        ObjectNode root = message.deepCopy();
        root.put("type", "message");
        ArrayNode content = root.putArray("content");
        blocks.forEach((i, b) -> {
            ObjectNode block = b.deepCopy();
            if (texts.containsKey(i)) block.put("text", texts.get(i).toString());
            if (inputs.containsKey(i)) {
                String json = inputs.get(i).toString();
                try {
                    block.set("input", json.isBlank() ? JSON.createObjectNode() : JSON.readTree(json));
                } catch (IOException ex) {
                    throw new Malformed("the streamed input of tool call "
                            + block.path("name").asText("?") + " is not JSON");
                }
            }
            content.add(block);
        });
        root.set("usage", usage);
        return root;
    }
}
