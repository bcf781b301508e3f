package dev.dspy4j.signature;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training or evaluation example: named values, some of which are marked as inputs
 * ({@link #withInputs}); the rest are labels. Immutable.
 */
public final class Example extends Values {
    private final Set<String> inputKeys;

    private Example(Map<String, ?> values, Set<String> inputKeys) {
        super(values);
        this.inputKeys = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(inputKeys));
    }

    /**
     * An example of these values, with no input keys marked.
     *
     * @param values field values by name, copied in their iteration order; null keys are refused
     * @return the example
     */
    public static Example of(Map<String, ?> values) {
        return new Example(values, Set.of());
    }

    /**
     * An example from alternating keys and values: {@code Example.of("question", "2+2?", "answer", "4")}.
     *
     * @param keysAndValues an even number of arguments: a {@code String} key, then its value (may be null)
     * @return the example, with no input keys marked
     * @throws IllegalArgumentException if the count is odd or a key is not a string, naming its position
     * @throws NullPointerException if a key is null, naming its position
     */
    public static Example of(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "Example.of needs key, value pairs; got " + keysAndValues.length + " arguments");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            Object key = keysAndValues[i];
            if (key == null) throw new NullPointerException("Example.of: the key at argument " + i + " is null");
            if (!(key instanceof String k)) {
                throw new IllegalArgumentException("Example.of: the key at argument " + i + " must be a String, not "
                        + key.getClass().getSimpleName() + " " + key);
            }
            m.put(k, keysAndValues[i + 1]);
        }
        return of(m);
    }

    /**
     * Returns this example with {@code keys} marked as inputs (as DSPy's {@code Example.with_inputs}),
     * replacing any earlier marking.
     *
     * @param keys names of fields of this example
     * @return a new example with the same values
     * @throws IllegalArgumentException if a key is not a field, naming it and the fields
     */
    public Example withInputs(String... keys) {
        return withInputs(Arrays.asList(keys));
    }

    /**
     * Returns this example with {@code keys} marked as inputs, replacing any earlier marking.
     *
     * @param keys names of fields of this example
     * @return a new example with the same values
     * @throws IllegalArgumentException if a key is not a field, naming it and the fields
     */
    public Example withInputs(List<String> keys) {
        for (String k : keys) {
            if (!values.containsKey(k)) {
                throw new IllegalArgumentException("withInputs: no field '" + k + "'; fields are " + values.keySet());
            }
        }
        return new Example(values, new LinkedHashSet<>(keys));
    }

    /**
     * Returns this example with one more (or a replaced) value; the input marking is kept.
     *
     * @param key the field name
     * @param value the value; may be null
     * @return a new example
     */
    public Example with(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(key, value);
        return new Example(m, inputKeys);
    }

    /** {@return the keys marked as inputs, in marking order; empty if none are marked} */
    public Set<String> inputKeys() {
        return inputKeys;
    }

    /**
     * The input values (keys marked with {@link #withInputs}).
     *
     * @return a new map of the marked keys to their values, in marking order
     * @throws IllegalStateException if no keys are marked
     */
    public Map<String, Object> inputs() {
        if (inputKeys.isEmpty()) {
            throw new IllegalStateException("no input keys are marked on this example; call withInputs(...) first");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : inputKeys) m.put(k, values.get(k));
        return m;
    }

    /** {@return a new map of the values not marked as inputs, in insertion order} */
    public Map<String, Object> labels() {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!inputKeys.contains(k)) m.put(k, v);
        });
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Example e && e.values.equals(values) && e.inputKeys.equals(inputKeys);
    }

    @Override
    public int hashCode() {
        return values.hashCode() * 31 + inputKeys.hashCode();
    }
}
