package dev.dspy4j.module;

import dev.dspy4j.lm.Usage;
import dev.dspy4j.signature.Values;
import java.util.List;
import java.util.Map;

/**
 * The outputs of a module call. {@link #completions()} holds every completion's outputs when more
 * than one was requested; the prediction's own values are the first's. Immutable.
 */
public final class Prediction extends Values {
    private final List<Map<String, Object>> completions;
    private final Usage usage;
    private final boolean cacheHit;

    private Prediction(Map<String, ?> values, List<Map<String, Object>> completions, Usage usage, boolean cacheHit) {
        super(values);
        // ordered copies (Map.copyOf would reorder the fields differently in every JVM run)
        this.completions = completions.stream()
                .map(c -> java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<String, Object>(c)))
                .toList();
        this.usage = usage;
        this.cacheHit = cacheHit;
    }

    /**
     * A prediction of these values (one completion, no usage, not from the cache).
     *
     * @param values output values by field name; {@code null} values are dropped from
     *     {@link #completions()}, kept (as null) in the prediction's own values
     * @return the prediction
     */
    public static Prediction of(Map<String, ?> values) {
        return new Prediction(values, List.of(nonNull(values)), Usage.ZERO, false);
    }

    /**
     * A prediction of several completions; its own values are the first's.
     *
     * @param completions each completion's output values, in order; at least one
     * @param usage the tokens the call used
     * @param cacheHit whether the LM response came from the cache
     * @return the prediction
     * @throws IllegalArgumentException if {@code completions} is empty
     */
    public static Prediction of(List<Map<String, Object>> completions, Usage usage, boolean cacheHit) {
        if (completions.isEmpty()) throw new IllegalArgumentException("a prediction needs at least one completion");
        return new Prediction(
                completions.get(0),
                completions.stream().map(Prediction::nonNull).toList(),
                usage,
                cacheHit);
    }

    private static Map<String, Object> nonNull(Map<String, ?> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v != null) out.put(k, v);
        });
        return out;
    }

    /** {@return every completion's outputs, in order, unmodifiable (null values dropped)} */
    public List<Map<String, Object>> completions() {
        return completions;
    }

    /** {@return the tokens used ({@link Usage#ZERO} when served from the cache or made by hand)} */
    public Usage usage() {
        return usage;
    }

    /** {@return true if the LM response came from the cache} */
    public boolean cacheHit() {
        return cacheHit;
    }

    /**
     * This prediction with one more value (e.g. a module adding a trajectory); its completions,
     * usage and cache flag are kept.
     *
     * @param key the field name; replaces an existing value of that name
     * @param value the value
     * @return a new prediction
     */
    public Prediction with(String key, Object value) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(toMap());
        m.put(key, value);
        return new Prediction(m, completions, usage, cacheHit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && p.toMap().equals(toMap()) && p.completions.equals(completions);
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }
}
