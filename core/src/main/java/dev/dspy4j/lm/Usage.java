package dev.dspy4j.lm;

/**
 * Token counts reported by the provider.
 *
 * @param promptTokens     tokens in the prompt
 * @param completionTokens tokens in the completions
 */
public record Usage(long promptTokens, long completionTokens) {
    /** No tokens (a cache hit, or a provider that reports nothing). */
    public static final Usage ZERO = new Usage(0, 0);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** The sum of two usages. */
    public Usage plus(Usage other) {
        return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens);
    }
}
