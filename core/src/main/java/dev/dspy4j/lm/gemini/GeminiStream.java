package dev.dspy4j.lm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.lm.http.StreamDecoder;
import java.util.Map;
import java.util.TreeMap;

/**
 * A streamed Gemini answer ({@code :streamGenerateContent?alt=sse}): each event is a partial
 * {@code GenerateContentResponse}; text parts are appended per candidate, the last {@code finishReason},
 * {@code usageMetadata}, {@code promptFeedback} and {@code modelVersion} win; parts marked
 * {@code "thought": true} are left out and non-text parts (function calls) are kept whole. Only the
 * first candidate's text is passed on as it arrives. The answer is complete when every candidate seen
 * has a finish reason, or the prompt was blocked ({@code promptFeedback.blockReason}); Gemini sends no
 * end marker. An {@code error} object in a chunk fails the call. Put back together as one
 * {@code GenerateContentResponse} for {@code GeminiResponses}.
 */
final class GeminiStream implements StreamDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, ObjectNode> candidates = new TreeMap<>();
    private final Map<Integer, StringBuilder> texts = new TreeMap<>();
    private final ObjectNode root = JSON.createObjectNode();
    private boolean done;

    @Override
    public void onEvent(String event, String data, TextStream text) {
        JsonNode chunk = StreamDecoder.readJson(JSON, data, "a streamed chunk");
        JsonNode error = chunk.path("error");
        if (error.isObject()) {
            throw new StreamError(
                    error.path("message").asText("the server sent an error"),
                    error.path("status").asText(null));
        }
        for (String f : new String[] {"usageMetadata", "modelVersion", "responseId"}) {
            if (chunk.has(f)) root.set(f, chunk.get(f));
        }
        if (chunk.path("promptFeedback").isObject()) {
            root.set("promptFeedback", chunk.get("promptFeedback"));
            if (chunk.path("promptFeedback").has("blockReason")) done = true;
        }
        int position = 0;
        for (JsonNode c : chunk.path("candidates")) {
            int index = c.path("index").asInt(position++);
            ObjectNode cand = candidates.computeIfAbsent(index, i -> JSON.createObjectNode());
            StringBuilder sb = texts.computeIfAbsent(index, i -> new StringBuilder());
            for (JsonNode part : c.path("content").path("parts")) {
                if (part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                    String t = part.path("text").asText();
                    sb.append(t);
                    if (index == 0 && !t.isEmpty()) text.onText(t);
                } else if (!part.path("text").isTextual()) {
                    // function calls and other parts arrive whole
                    ArrayNode others =
                            cand.has("otherParts") ? (ArrayNode) cand.get("otherParts") : cand.putArray("otherParts");
                    others.add(part);
                }
            }
            c.properties().forEach(e -> {
                if (!e.getKey().equals("content")) cand.set(e.getKey(), e.getValue());
            });
        }
        // with candidateCount > 1 each candidate finishes on its own: complete once all seen have finished
        if (!candidates.isEmpty() && candidates.values().stream().allMatch(c -> c.hasNonNull("finishReason")))
            done = true;
    }

    @Override
    public boolean done() {
        return done;
    }

    @Override
    public ObjectNode assembled() {
        ObjectNode out = root.deepCopy();
        ArrayNode cs = out.putArray("candidates");
        candidates.forEach((i, c) -> {
            ObjectNode cand = c.deepCopy();
            ArrayNode others = (ArrayNode) cand.remove("otherParts");
            ObjectNode content = cand.putObject("content");
            content.put("role", "model");
            ArrayNode parts = content.putArray("parts");
            parts.addObject().put("text", texts.get(i).toString());
            if (others != null) parts.addAll(others);
            cand.put("index", i);
            cs.add(cand);
        });
        return out;
    }
}
