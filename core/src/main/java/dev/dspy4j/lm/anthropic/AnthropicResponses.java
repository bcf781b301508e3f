package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.Citation;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ToolCall;
import dev.dspy4j.lm.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Messages API response (a plain response, a streamed one {@link AnthropicStream} put back
 * together, or a Message Batches result): text blocks are joined into the completion's text with their
 * citations, {@code tool_use} blocks become tool calls, {@code stop_reason} {@code refusal} sets the
 * refusal and {@code pause_turn} is thrown; input usage counts cache reads and writes too.
 */
final class AnthropicResponses {
    private AnthropicResponses() {}

    /**
     * The response's single completion and usage; throws {@code lm}'s malformed-response error when
     * there is no {@code content} list, and its paused-turn error for {@code pause_turn}.
     */
    static LmResponse parse(JsonNode root, AnthropicChat lm) {
        JsonNode content = root.path("content");
        if (!content.isArray()) throw lm.malformed("the response has no \"content\" list");
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<Citation> citations = new ArrayList<>();
        for (JsonNode block : content) {
            String type = block.path("type").asText("");
            if (type.equals("text")) {
                String t = block.path("text").asText("");
                text.append(t);
                for (JsonNode c : block.path("citations")) citations.add(citation(c, t));
            } else if (type.equals("tool_use")) {
                JsonNode input = block.path("input");
                calls.add(new ToolCall(
                        block.path("id").asText(""),
                        block.path("name").asText("tool"),
                        input.isMissingNode() || input.isNull() ? "{}" : input.toString()));
            }
        }
        String stop =
                root.path("stop_reason").isTextual() ? root.path("stop_reason").asText() : null;
        if ("pause_turn".equals(stop)) {
            throw lm.pausedTurn(text.length());
        }
        String refusal = "refusal".equals(stop) ? text.toString() : null;
        Completion c = new Completion(text.toString(), stop, calls, refusal, citations);
        JsonNode u = root.path("usage");
        long written = u.path("cache_creation_input_tokens").asLong(0);
        long read = u.path("cache_read_input_tokens").asLong(0);
        long input = u.path("input_tokens").asLong(0) + written + read;
        Usage usage = new Usage(input, u.path("output_tokens").asLong(0), read, written, 0);
        JsonNode model = root.path("model");
        return new LmResponse(List.of(c), usage, model.isTextual() ? model.asText() : null, false);
    }

    /** A citation of {@code supported} (the text block it backs), whatever its location type. */
    private static Citation citation(JsonNode c, String supported) {
        String type = c.path("type").asText("");
        long start = -1;
        long end = -1;
        switch (type) {
            case "char_location" -> {
                start = c.path("start_char_index").asLong(-1);
                end = c.path("end_char_index").asLong(-1);
            }
            case "page_location" -> {
                start = c.path("start_page_number").asLong(-1);
                end = c.path("end_page_number").asLong(-1);
            }
            case "content_block_location", "search_result_location" -> {
                start = c.path("start_block_index").asLong(-1);
                end = c.path("end_block_index").asLong(-1);
            }
            default -> {}
        }
        int index = c.has("document_index")
                ? c.path("document_index").asInt(-1)
                : c.path("search_result_index").asInt(-1);
        String title = c.path("document_title").isTextual()
                ? c.path("document_title").asText()
                : c.path("title").isTextual() ? c.path("title").asText() : null;
        String url = c.path("url").isTextual()
                ? c.path("url").asText()
                : c.path("source").isTextual() ? c.path("source").asText() : null;
        return new Citation(type, c.path("cited_text").asText(""), index, title, url, start, end, supported);
    }
}
