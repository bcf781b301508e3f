package dev.dspy4j.lm;

/**
 * Token counts reported by the provider.
 *
 * @param promptTokens        tokens in the prompt, all of them: cached and cache-written ones included
 *                            (OpenAI {@code prompt_tokens}; Anthropic {@code input_tokens} +
 *                            {@code cache_creation_input_tokens} + {@code cache_read_input_tokens})
 * @param completionTokens    tokens in the completions, reasoning tokens included
 * @param cachedPromptTokens  prompt tokens read from the provider's prompt cache (OpenAI
 *                            {@code prompt_tokens_details.cached_tokens}; Anthropic
 *                            {@code cache_read_input_tokens}); part of {@code promptTokens}
 * @param cacheWriteTokens    prompt tokens written to the provider's prompt cache (Anthropic
 *                            {@code cache_creation_input_tokens}); part of {@code promptTokens}
 * @param reasoningTokens     completion tokens spent on reasoning (OpenAI
 *                            {@code completion_tokens_details.reasoning_tokens}); part of
 *                            {@code completionTokens}
 */
public record Usage(
        long promptTokens,
        long completionTokens,
        long cachedPromptTokens,
        long cacheWriteTokens,
        long reasoningTokens) {
    /** No tokens (a cache hit, or a provider that reports nothing). */
    public static final Usage ZERO = new Usage(0, 0);

    /**
     * Prompt and completion tokens without details (no cache or reasoning counts).
     *
     * @param promptTokens     tokens in the prompt
     * @param completionTokens tokens in the completions
     */
    public Usage(long promptTokens, long completionTokens) {
        this(promptTokens, completionTokens, 0, 0, 0);
    }

    /** {@return prompt plus completion tokens} */
    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /**
     * {@return the sum of two usages, field by field}
     *
     * @param other the usage to add
     */
    public Usage plus(Usage other) {
        return new Usage(
                promptTokens + other.promptTokens,
                completionTokens + other.completionTokens,
                cachedPromptTokens + other.cachedPromptTokens,
                cacheWriteTokens + other.cacheWriteTokens,
                reasoningTokens + other.reasoningTokens);
    }
}
