package dev.dspy4j.lm;

import java.util.List;
import java.util.Objects;

/**
 * One completion returned by the LM.
 *
 * @param text         the completion text (empty, never null, when the LM only called tools or refused)
 * @param finishReason the provider's finish reason ({@code stop}, {@code length}, {@code end_turn},
 *                     {@code refusal}, ...), or null
 * @param toolCalls    native tool calls, possibly empty
 * @param refusal      the model's refusal, or null if it did not refuse: OpenAI's {@code refusal}
 *                     message, or for an Anthropic {@code stop_reason} of {@code refusal} the text it
 *                     gave (possibly empty)
 * @param citations    passages of the request's documents that support the text, possibly empty
 */
public record Completion(
        String text, String finishReason, List<ToolCall> toolCalls, String refusal, List<Citation> citations) {
    /**
     * Normalizes the components: null text is {@code ""}, null lists are empty, lists are copied.
     *
     * @param text         the completion text; null is {@code ""}
     * @param finishReason the provider's finish reason, or null
     * @param toolCalls    native tool calls; null is none
     * @param refusal      the refusal, or null if the model did not refuse
     * @param citations    supporting passages; null is none
     */
    public Completion {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        citations = citations == null ? List.of() : List.copyOf(citations);
    }

    /**
     * A completion without refusal and citations.
     *
     * @param text         the completion text; null is {@code ""}
     * @param finishReason the provider's finish reason, or null
     * @param toolCalls    native tool calls, or null for none
     */
    public Completion(String text, String finishReason, List<ToolCall> toolCalls) {
        this(text, finishReason, toolCalls, null, List.of());
    }

    /**
     * {@return a plain text completion that finished normally (finish reason {@code stop})}
     *
     * @param text the completion text; not null
     */
    public static Completion of(String text) {
        return new Completion(Objects.requireNonNull(text, "text"), "stop", List.of());
    }

    /** {@return true if the model refused to answer ({@link #refusal()} is set)} */
    public boolean refused() {
        return refusal != null;
    }

    /**
     * {@return true if the provider stopped because a token limit was reached: OpenAI {@code length},
     * Anthropic {@code max_tokens} and {@code model_context_window_exceeded}}
     */
    public boolean truncated() {
        return "length".equals(finishReason)
                || "max_tokens".equals(finishReason)
                || "model_context_window_exceeded".equals(finishReason);
    }
}
