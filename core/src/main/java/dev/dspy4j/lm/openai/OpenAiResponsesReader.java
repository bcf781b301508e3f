package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.ContentBlockedException;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ServerException;
import dev.dspy4j.lm.ToolCall;
import dev.dspy4j.lm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a Responses API response object ({@code "object":"response"}), streamed or not.
 *
 * <ul>
 *   <li>Text: the {@code output_text} parts of the {@code message} items of {@code output}, in order;
 *       {@code refusal} parts become {@link Completion#refusal()}; {@code function_call} items become
 *       tool calls ({@code call_id}, {@code name}, {@code arguments}); {@code reasoning} items are
 *       skipped.</li>
 *   <li>Status, mapped to the chat client's finish reasons: {@code completed} → {@code stop} (or
 *       {@code tool_calls} when the model called a tool); {@code incomplete} with
 *       {@code incomplete_details.reason} {@code max_output_tokens} → {@code length}
 *       ({@link Completion#truncated()}); {@code content_filter} → {@link ContentBlockedException};
 *       {@code failed} → {@link ServerException} with the response's {@code error}.</li>
 *   <li>Usage: {@code input_tokens} (with {@code input_tokens_details.cached_tokens}) and
 *       {@code output_tokens} (with {@code output_tokens_details.reasoning_tokens}).</li>
 * </ul>
 */
final class OpenAiResponsesReader {
    private OpenAiResponsesReader() {}

    /**
     * @param where     names the endpoint in error messages
     * @param malformed makes the error for a body that is not a response object
     */
    static LmResponse parse(JsonNode root, String where, Function<String, RuntimeException> malformed) {
        String status = text(root.path("status"));
        if ("failed".equals(status)) {
            JsonNode e = root.path("error");
            String message = text(e.path("message"));
            String code = text(e.path("code"));
            throw new ServerException(
                    where + ": the response failed" + (message == null ? "" : ": " + message)
                            + (code == null ? "" : " [" + code + "]"),
                    200,
                    message,
                    null);
        }
        JsonNode output = root.path("output");
        if (!output.isArray()) throw malformed.apply("the response has no \"output\" list");
        StringBuilder text = new StringBuilder();
        StringBuilder refusal = null;
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode item : output) {
            String type = item.path("type").asText("");
            if (type.equals("message")) {
                for (JsonNode part : item.path("content")) {
                    String pt = part.path("type").asText("");
                    if (pt.equals("output_text")) {
                        text.append(part.path("text").asText(""));
                    } else if (pt.equals("refusal")) {
                        if (refusal == null) refusal = new StringBuilder();
                        refusal.append(part.path("refusal").asText(""));
                    }
                }
            } else if (type.equals("function_call")) {
                String name = text(item.path("name"));
                if (name == null) continue;
                JsonNode args = item.path("arguments");
                String json = args.isTextual()
                        ? args.asText()
                        : args.isMissingNode() || args.isNull() ? "{}" : args.toString();
                String id = text(item.path("call_id"));
                calls.add(new ToolCall(id != null ? id : text(item.path("id")), name, json));
            }
        }
        String finish = calls.isEmpty() ? "stop" : "tool_calls";
        if ("incomplete".equals(status)) {
            String reason = text(root.path("incomplete_details").path("reason"));
            if ("content_filter".equals(reason)) {
                throw new ContentBlockedException(
                        where + ": the answer was blocked (incomplete, content_filter)"
                                + (text.length() == 0 ? "" : " after " + text.length() + " characters"),
                        200,
                        null,
                        "content_filter",
                        List.of(),
                        false);
            }
            finish = "max_output_tokens".equals(reason) ? "length" : reason == null ? "incomplete" : reason;
        }
        Completion c =
                new Completion(text.toString(), finish, calls, refusal == null ? null : refusal.toString(), List.of());
        JsonNode u = root.path("usage");
        Usage usage = new Usage(
                u.path("input_tokens").asLong(0),
                u.path("output_tokens").asLong(0),
                u.path("input_tokens_details").path("cached_tokens").asLong(0),
                0,
                u.path("output_tokens_details").path("reasoning_tokens").asLong(0));
        return new LmResponse(List.of(c), usage, text(root.path("model")), false);
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }
}
