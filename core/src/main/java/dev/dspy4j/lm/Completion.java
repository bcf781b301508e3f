package dev.dspy4j.lm;

import java.util.List;
import java.util.Objects;

/**
 * One completion returned by the LM.
 *
 * @param text         the completion text (empty, never null, when the LM only called tools)
 * @param finishReason the provider's finish reason ({@code stop}, {@code length}, ...), or null
 * @param toolCalls    native tool calls, possibly empty
 */
public record Completion(String text, String finishReason, List<ToolCall> toolCalls) {
    public Completion {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** A plain text completion that finished normally. */
    public static Completion of(String text) {
        return new Completion(Objects.requireNonNull(text, "text"), "stop", List.of());
    }

    /** True if the provider stopped because the token limit was reached. */
    public boolean truncated() {
        return "length".equals(finishReason) || "max_tokens".equals(finishReason);
    }
}
