package dev.dspy4j.signature;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Named field values, in insertion order: the common part of {@link Example} and
 * {@code dev.dspy4j.module.Prediction}. It lives here, beside {@link Signature}, because adapters read
 * demos as examples and sit below the modules that make predictions. Not sealed, since a sealed class
 * in an unnamed module can only permit subclasses in its own package.
 */
public abstract class Values {
    static final ObjectMapper CONVERT = new ObjectMapper().registerModule(new Jdk8Module());

    final Map<String, Object> values;

    /** Copies {@code values} (keys must not be null; values may be). */
    protected Values(Map<String, ?> values) {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(java.util.Objects.requireNonNull(k, "key"), v));
        this.values = Collections.unmodifiableMap(copy);
    }

    /** The value of {@code key}, or null if absent (or null). */
    public Object get(String key) {
        return values.get(key);
    }

    /**
     * The value of {@code key} as {@code type}; numbers and JSON-like values are converted
     * (e.g. a {@code Long} read as {@code Integer}).
     *
     * @throws NoSuchElementException if there is no such key
     * @throws IllegalArgumentException if the value cannot be converted
     */
    public <T> T get(String key, Class<T> type) {
        if (!values.containsKey(key)) {
            throw new NoSuchElementException("no field '" + key + "'; fields are " + values.keySet());
        }
        Object v = values.get(key);
        if (v == null || type.isInstance(v)) return type.cast(v);
        try {
            return CONVERT.convertValue(v, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "field '" + key + "' holds " + v.getClass().getSimpleName() + " which cannot be read as "
                            + type.getSimpleName() + ": " + e.getMessage(),
                    e);
        }
    }

    /** The value of {@code key} as a string ({@code toString} of non-strings), or null. */
    public String getString(String key) {
        Object v = values.get(key);
        return v == null ? null : v.toString();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The keys, in order. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** An unmodifiable view of all values. */
    public Map<String, Object> toMap() {
        return values;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + values;
    }
}
