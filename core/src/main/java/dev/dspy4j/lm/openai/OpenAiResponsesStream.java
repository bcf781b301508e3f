package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.lm.http.StreamDecoder;

/**
 * A streamed Responses API answer ({@code "stream": true}): typed events, each naming its type in
 * {@code event:} and in the data's {@code type}. {@code response.output_text.delta} passes its
 * {@code delta} on as text; {@code response.completed} and {@code response.incomplete} end the answer and
 * carry the whole response object, which is what {@link #assembled()} returns (with the streamed text
 * as its one message when a server sends the final object without its {@code output});
 * {@code response.failed} and {@code error} are the provider's errors. Other events (created,
 * in_progress, output items and parts added or done, reasoning and tool-argument deltas) are not needed
 * and skipped.
 */
final class OpenAiResponsesStream implements StreamDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringBuilder text = new StringBuilder();
    private ObjectNode response;

    @Override
    public void onEvent(String event, String data, TextStream stream) {
        JsonNode e = StreamDecoder.readJson(JSON, data, "a streamed Responses event");
        String type = e.path("type").isTextual() ? e.path("type").asText() : event;
        switch (type) {
            case "response.output_text.delta" -> {
                String delta = e.path("delta").asText("");
                if (!delta.isEmpty()) {
                    text.append(delta);
                    stream.onText(delta);
                }
            }
            case "response.completed", "response.incomplete" -> {
                JsonNode r = e.path("response");
                if (!r.isObject())
                    throw new Malformed("a " + type + " event has no \"response\" object: " + abbreviate(data));
                response = ((ObjectNode) r).deepCopy();
            }
            case "response.failed" -> {
                JsonNode err = e.path("response").path("error");
                throw new StreamError(
                        err.path("message").asText("the response failed"),
                        err.hasNonNull("code") ? err.path("code").asText() : null);
            }
            case "error" -> {
                JsonNode err = e.path("error").isObject() ? e.path("error") : e;
                throw new StreamError(
                        err.path("message").asText("the server sent an error"),
                        err.hasNonNull("code")
                                ? err.path("code").asText()
                                : err.path("type").asText(null));
            }
            default -> {}
        }
    }

    @Override
    public boolean done() {
        return response != null;
    }

    @Override
    public ObjectNode assembled() {
        ObjectNode r = response.deepCopy();
        if ((!r.path("output").isArray() || r.path("output").isEmpty()) && text.length() > 0) {
            ObjectNode message = r.putArray("output").addObject();
            message.put("type", "message");
            message.put("role", "assistant");
            ObjectNode part = message.putArray("content").addObject();
            part.put("type", "output_text");
            part.put("text", text.toString());
        }
        return r;
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
