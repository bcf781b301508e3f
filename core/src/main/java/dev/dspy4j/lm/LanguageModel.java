package dev.dspy4j.lm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A language model: takes a request, returns completions. Implementations are thread-safe.
 * Provider clients extend {@link AbstractLanguageModel}, which adds caching and history.
 */
public interface LanguageModel {

    /** {@return the model name, e.g. {@code gpt-4o-mini}; part of every cache key} */
    String model();

    /**
     * Sends the request (or serves it from the cache).
     *
     * @param request the prompt, parameters and number of completions
     * @return the completions, usage and the model that answered
     * @throws LmException if the provider fails after retries
     */
    LmResponse complete(LmRequest request);

    /**
     * {@link #complete} on {@link CallExecutors#shared()} (a virtual thread per call on Java 21+). The
     * caller's {@link CallContext} (callbacks, usage scopes) goes with the call.
     *
     * @param request the request; not null
     * @return the future response
     */
    default CompletableFuture<LmResponse> completeAsync(LmRequest request) {
        return completeAsync(request, CallExecutors.shared());
    }

    /**
     * {@link #complete} on {@code executor}; the future fails with the {@link LmException} the call threw
     * (wrapped in a {@link java.util.concurrent.CompletionException} by {@code join}). {@code cancel(true)}
     * interrupts the call where it waits (network, rate limit): see {@link CallExecutors#supplyAsync}.
     *
     * @param request  the request; not null
     * @param executor runs the call
     * @return the future response
     */
    default CompletableFuture<LmResponse> completeAsync(LmRequest request, Executor executor) {
        java.util.Objects.requireNonNull(request, "request");
        return CallExecutors.supplyAsync(() -> complete(request), executor);
    }

    /** {@return true if the LM accepts a JSON Schema {@code response_format} (structured outputs)} */
    default boolean supportsStructuredOutputs() {
        return false;
    }

    /** {@return true if the LM accepts native tool definitions ({@code tools})} */
    default boolean supportsNativeTools() {
        return false;
    }

    /** {@return recent calls, newest last; empty for LMs that keep none} */
    default LmHistory history() {
        return LmHistory.NONE;
    }
}
