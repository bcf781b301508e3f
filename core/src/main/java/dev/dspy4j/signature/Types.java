package dev.dspy4j.signature;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Small helpers for building and inspecting reflective types. */
final class Types {
    private Types() {}

    static ParameterizedType parameterized(Class<?> raw, Type... args) {
        Type[] copy = args.clone();
        return new ParameterizedType() {
            @Override public Type[] getActualTypeArguments() { return copy.clone(); }
            @Override public Type getRawType() { return raw; }
            @Override public Type getOwnerType() { return null; }
            @Override public String getTypeName() {
                return raw.getTypeName() + Arrays.stream(copy).map(Type::getTypeName)
                        .collect(Collectors.joining(", ", "<", ">"));
            }
            @Override public boolean equals(Object o) {
                return o instanceof ParameterizedType p && p.getRawType().equals(raw)
                        && p.getOwnerType() == null && Arrays.equals(copy, p.getActualTypeArguments());
            }
            @Override public int hashCode() { return Arrays.hashCode(copy) ^ raw.hashCode(); }
            @Override public String toString() { return getTypeName(); }
        };
    }

    /** Unwraps {@code Optional<T>} to {@code T}; other types are returned as they are. */
    static Type unwrapOptional(Type t) {
        if (t instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            return p.getActualTypeArguments()[0];
        }
        return t;
    }
}

