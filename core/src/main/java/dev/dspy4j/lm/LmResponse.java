package dev.dspy4j.lm;

import java.util.List;
import java.util.Objects;

/**
 * What an LM call returned.
 *
 * @param completions the completions, at least one
 * @param usage       tokens used ({@link Usage#ZERO} for a cache hit)
 * @param model       the model that answered, as the provider reported it
 * @param cacheHit    true if served from the cache
 */
public record LmResponse(List<Completion> completions, Usage usage, String model, boolean cacheHit) {
    /**
     * Copies {@code completions}; a null {@code model} becomes {@code ""}.
     *
     * @param completions the completions (copied)
     * @param usage       tokens used; not null
     * @param model       the model that answered; null is {@code ""}
     * @param cacheHit    true if served from the cache
     *
     * @throws NullPointerException if {@code completions}, one of them, or {@code usage} is null
     */
    public LmResponse {
        completions = List.copyOf(completions);
        Objects.requireNonNull(usage, "usage");
        model = model == null ? "" : model;
    }

    /**
     * {@return the first completion}
     *
     * @throws IllegalStateException if there is none
     */
    public Completion first() {
        if (completions.isEmpty()) throw new IllegalStateException("the LM returned no completion");
        return completions.get(0);
    }

    /** {@return this response as served from the cache: the same completions, zero usage, marked as a hit} */
    public LmResponse asCacheHit() {
        return new LmResponse(completions, Usage.ZERO, model, true);
    }
}
