package dev.dspy4j.signature;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Small helpers for building and inspecting reflective types. */
final class Types {
    private Types() {}

    /**
     * {@code raw<args>} as a JDK-style {@link ParameterizedType}, the Java type of a string-form field
     * such as {@code list[int]}. Hand-written on purpose: Jackson's {@code TypeFactory} builds a
     * {@code JavaType}, which is a {@link Type} but not a {@link ParameterizedType}, whose
     * {@code getTypeName()} is Jackson's description rather than {@code java.util.List<java.lang.Long>},
     * and which is not equal to the type of the same record component, so {@code Field.javaType()} would
     * change for every string-form signature. Code that only needs the structure (the adapter's
     * {@code ValueParser} and {@code NodeConverter}, {@code ProgramState}) reads either kind through
     * {@code TypeFactory.constructType}.
     */
    static ParameterizedType parameterized(Class<?> raw, Type... args) {
        Type[] copy = args.clone();
        return new ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return copy.clone();
            }

            @Override
            public Type getRawType() {
                return raw;
            }

            @Override
            public Type getOwnerType() {
                return null;
            }

            @Override
            public String getTypeName() {
                return raw.getTypeName()
                        + Arrays.stream(copy).map(Type::getTypeName).collect(Collectors.joining(", ", "<", ">"));
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof ParameterizedType p
                        && p.getRawType().equals(raw)
                        && p.getOwnerType() == null
                        && Arrays.equals(copy, p.getActualTypeArguments());
            }

            @Override
            public int hashCode() {
                return Arrays.hashCode(copy) ^ raw.hashCode();
            }

            @Override
            public String toString() {
                return getTypeName();
            }
        };
    }

    /**
     * True if values of {@code t} can hold media: a media class, or a record, array or generic type
     * (list, map, optional) with one inside.
     *
     * @param seen records already being looked at (a recursive record is looked at once)
     */
    static boolean holdsMedia(Type t, java.util.Set<Class<?>> seen) {
        if (t instanceof Class<?> c) {
            if (dev.dspy4j.media.Media.class.isAssignableFrom(c)) return true;
            if (c.isArray()) return holdsMedia(c.getComponentType(), seen);
            if (c.isRecord() && seen.add(c)) {
                for (java.lang.reflect.RecordComponent rc : c.getRecordComponents()) {
                    if (holdsMedia(rc.getGenericType(), seen)) return true;
                }
            }
            return false;
        }
        if (t instanceof ParameterizedType p) {
            for (Type a : p.getActualTypeArguments()) {
                if (holdsMedia(a, seen)) return true;
            }
            return false;
        }
        if (t instanceof java.lang.reflect.GenericArrayType g) return holdsMedia(g.getGenericComponentType(), seen);
        if (t instanceof java.lang.reflect.WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                if (holdsMedia(b, seen)) return true;
            }
        }
        return false;
    }

    /** Unwraps {@code Optional<T>} to {@code T}; other types are returned as they are. */
    static Type unwrapOptional(Type t) {
        if (t instanceof ParameterizedType p && p.getRawType() == Optional.class) {
            return p.getActualTypeArguments()[0];
        }
        return t;
    }
}
