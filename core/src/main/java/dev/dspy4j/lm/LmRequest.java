package dev.dspy4j.lm;

import dev.dspy4j.prompt.Prompt;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One call to an LM: a prompt, provider parameters, and how many completions to return.
 *
 * @param prompt    the messages
 * @param params    provider parameters ({@code temperature}, {@code max_tokens}, {@code response_format},
 *                  {@code tools}, ...), sorted by name; values are JSON-like (strings, numbers, booleans,
 *                  lists, maps, Jackson nodes)
 * @param n         number of completions, at least 1
 * @param rolloutId distinguishes otherwise identical requests in the cache, or null
 * @param cache     whether the cache may serve or store this request
 */
public record LmRequest(Prompt prompt, SortedMap<String, Object> params, int n, String rolloutId, boolean cache) {

    /**
     * Copies {@code params} into an unmodifiable sorted map (null is no parameters).
     *
     * @param prompt    the messages; not null
     * @param params    provider parameters by wire name; null is none
     * @param n         number of completions, at least 1
     * @param rolloutId separates otherwise identical requests in the cache, or null
     * @param cache     whether the cache may serve or store this request
     *
     * @throws NullPointerException     if {@code prompt} is null
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public LmRequest {
        Objects.requireNonNull(prompt, "prompt");
        params = Collections.unmodifiableSortedMap(new TreeMap<>(params == null ? Map.of() : params));
        if (n < 1) throw new IllegalArgumentException("n must be at least 1, not " + n);
    }

    /**
     * {@return a request for one completion of {@code prompt}, with no parameters, cacheable}
     *
     * @param prompt the messages
     */
    public static LmRequest of(Prompt prompt) {
        return new LmRequest(prompt, new TreeMap<>(), 1, null, true);
    }

    /**
     * {@return a request for one completion of {@code prompt} with the given parameters, cacheable}
     *
     * @param prompt the messages
     * @param params provider parameters by wire name (copied)
     */
    public static LmRequest of(Prompt prompt, Map<String, ?> params) {
        return new LmRequest(prompt, new TreeMap<>(params), 1, null, true);
    }

    /**
     * {@return this request with one more (or a replaced) parameter}
     *
     * @param name  the parameter's wire name
     * @param value its JSON-like value
     */
    public LmRequest withParam(String name, Object value) {
        TreeMap<String, Object> p = new TreeMap<>(params);
        p.put(name, value);
        return new LmRequest(prompt, p, n, rolloutId, cache);
    }

    /**
     * {@return this request with {@code defaults} added where no parameter of that name is set}
     *
     * @param defaults parameters by name; the request's own values win
     */
    public LmRequest withDefaults(Map<String, ?> defaults) {
        if (defaults.isEmpty()) return this;
        TreeMap<String, Object> p = new TreeMap<>(defaults);
        p.putAll(params);
        return new LmRequest(prompt, p, n, rolloutId, cache);
    }

    /**
     * {@return this request with another prompt}
     *
     * @param newPrompt the messages
     */
    public LmRequest withPrompt(Prompt newPrompt) {
        return new LmRequest(newPrompt, params, n, rolloutId, cache);
    }

    /**
     * {@return this request asking for another number of completions}
     *
     * @param newN how many completions, at least 1
     * @throws IllegalArgumentException if {@code newN} is less than 1
     */
    public LmRequest withN(int newN) {
        return new LmRequest(prompt, params, newN, rolloutId, cache);
    }

    /**
     * {@return this request with another rollout id (DSPy's {@code rollout_id}): requests alike but for
     * it are cached apart, so a sampled program can be run again without a cache hit}
     *
     * @param id the rollout id, or null for none
     */
    public LmRequest withRolloutId(String id) {
        return new LmRequest(prompt, params, n, id, cache);
    }

    /**
     * {@return this request with caching on or off}
     *
     * @param enabled false to bypass the cache for this request (neither served nor stored)
     */
    public LmRequest withCache(boolean enabled) {
        return new LmRequest(prompt, params, n, rolloutId, enabled);
    }
}
