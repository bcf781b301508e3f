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

    /**
     * Copies {@code values}, keeping their iteration order.
     *
     * @param values values by field name; keys must not be null, values may be
     */
    protected Values(Map<String, ?> values) {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(java.util.Objects.requireNonNull(k, "key"), v));
        this.values = Collections.unmodifiableMap(copy);
    }

    /**
     * Returns the value of a field, as it is held.
     *
     * @param key the field name
     * @return the value, or null if there is no such field or its value is null
     */
    public Object get(String key) {
        return values.get(key);
    }

    /**
     * The value of {@code key} as {@code type}; numbers and JSON-like values are converted
     * (e.g. a {@code Long} read as {@code Integer}) by Jackson.
     *
     * @param <T> the requested type
     * @param key the field name
     * @param type the requested type
     * @return the value, or null if the field holds null
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

    /**
     * Returns the value of a field as text.
     *
     * @param key the field name
     * @return the value's {@code toString()}, or null if there is no such field or its value is null
     */
    public String getString(String key) {
        Object v = values.get(key);
        return v == null ? null : v.toString();
    }

    /**
     * Tells whether a field is present (its value may be null).
     *
     * @param key the field name
     * @return true if the field is present
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** {@return the field names, in insertion order (unmodifiable)} */
    public Set<String> keys() {
        return values.keySet();
    }

    /** {@return an unmodifiable view of all values, in insertion order} */
    public Map<String, Object> toMap() {
        return values;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + values;
    }
}
