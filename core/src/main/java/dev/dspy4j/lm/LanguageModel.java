package dev.dspy4j.lm;

/**
 * A language model: takes a request, returns completions. Implementations are thread-safe.
 * Provider clients extend {@link AbstractLanguageModel}, which adds caching and history.
 */
public interface LanguageModel {

    /** The model name, e.g. {@code gpt-4o-mini}; part of every cache key. */
    String model();

    /**
     * Sends the request (or serves it from the cache).
     *
     * @throws LmException if the provider fails after retries
     */
    LmResponse complete(LmRequest request);

    /** True if the LM accepts a JSON Schema {@code response_format} (structured outputs). */
    default boolean supportsStructuredOutputs() {
        return false;
    }

    /** True if the LM accepts native tool definitions ({@code tools}). */
    default boolean supportsNativeTools() {
        return false;
    }

    /** Recent calls, newest last; empty for LMs that keep none. */
    default LmHistory history() {
        return LmHistory.NONE;
    }
}
