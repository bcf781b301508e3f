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

    public LmRequest {
        Objects.requireNonNull(prompt, "prompt");
        params = Collections.unmodifiableSortedMap(new TreeMap<>(params == null ? Map.of() : params));
        if (n < 1) throw new IllegalArgumentException("n must be at least 1, not " + n);
    }

    /** A request for one completion with no parameters, cacheable. */
    public static LmRequest of(Prompt prompt) {
        return new LmRequest(prompt, new TreeMap<>(), 1, null, true);
    }

    /** A request with the given parameters. */
    public static LmRequest of(Prompt prompt, Map<String, ?> params) {
        return new LmRequest(prompt, new TreeMap<>(params), 1, null, true);
    }

    /** This request with one more (or a replaced) parameter. */
    public LmRequest withParam(String name, Object value) {
        TreeMap<String, Object> p = new TreeMap<>(params);
        p.put(name, value);
        return new LmRequest(prompt, p, n, rolloutId, cache);
    }

    /** This request with {@code defaults} added where no parameter of that name is set. */
    public LmRequest withDefaults(Map<String, ?> defaults) {
        if (defaults.isEmpty()) return this;
        TreeMap<String, Object> p = new TreeMap<>(defaults);
        p.putAll(params);
        return new LmRequest(prompt, p, n, rolloutId, cache);
    }

    public LmRequest withPrompt(Prompt newPrompt) {
        return new LmRequest(newPrompt, params, n, rolloutId, cache);
    }

    public LmRequest withN(int newN) {
        return new LmRequest(prompt, params, newN, rolloutId, cache);
    }

    public LmRequest withRolloutId(String id) {
        return new LmRequest(prompt, params, n, id, cache);
    }

    public LmRequest withCache(boolean enabled) {
        return new LmRequest(prompt, params, n, rolloutId, enabled);
    }
}
