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
    public LmResponse {
        completions = List.copyOf(completions);
        Objects.requireNonNull(usage, "usage");
        model = model == null ? "" : model;
    }

    /** The first completion. */
    public Completion first() {
        if (completions.isEmpty()) throw new IllegalStateException("the LM returned no completion");
        return completions.get(0);
    }

    /** This response as served from the cache: zero usage, marked as a hit. */
    public LmResponse asCacheHit() {
        return new LmResponse(completions, Usage.ZERO, model, true);
    }
}
