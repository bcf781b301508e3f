package dev.dspy4j.module;

import dev.dspy4j.media.Media;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON Schema (as JSON-like maps) for Java parameter types. */
final class ToolSchemas {
    private ToolSchemas() {}

    /** The schema of values of {@code t}. */
    static Map<String, Object> of(Type t) {
        if (t instanceof Class<?> c) return ofClass(c);
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (raw == Optional.class) return of(args[0]);
            if (Collection.class.isAssignableFrom(raw)) return array(of(args[0]));
            if (Map.class.isAssignableFrom(raw)) {
                if (args[0] != String.class) {
                    throw new IllegalArgumentException("map keys must be String for a tool argument, not " + args[0].getTypeName());
                }
                Map<String, Object> m = obj("object");
                m.put("additionalProperties", of(args[1]));
                return freeze(m);
            }
            return of(raw);
        }
        if (t instanceof GenericArrayType g) return array(of(g.getGenericComponentType()));
        if (t instanceof WildcardType w) return of(w.getUpperBounds()[0]);
        throw new IllegalArgumentException("unsupported tool argument type " + t.getTypeName());
    }

    /** True if a parameter of this type may be left out (it is an {@code Optional}). */
    static boolean optional(Type t) {
        return t == Optional.class || (t instanceof ParameterizedType p && p.getRawType() == Optional.class);
    }

    /** An object schema with these properties; all non-optional ones are required. */
    static Map<String, Object> object(List<Tool.Param> params) {
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Tool.Param p : params) {
            Map<String, Object> s = new LinkedHashMap<>(p.schema());
            if (!p.description().isEmpty()) s.put("description", p.description());
            props.put(p.name(), Collections.unmodifiableMap(s));
            if (p.required()) required.add(p.name());
        }
        Map<String, Object> m = obj("object");
        m.put("properties", Collections.unmodifiableMap(props));
        m.put("required", List.copyOf(required));
        m.put("additionalProperties", false);
        return freeze(m);
    }

    private static Map<String, Object> ofClass(Class<?> c) {
        if (c == String.class || c == CharSequence.class || c == char.class || c == Character.class) return type("string");
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class || c == short.class
                || c == Short.class || c == byte.class || c == Byte.class || c == BigInteger.class) {
            return type("integer");
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class || c == BigDecimal.class) {
            return type("number");
        }
        if (c == boolean.class || c == Boolean.class) return type("boolean");
        if (c.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object e : c.getEnumConstants()) names.add(((Enum<?>) e).name());
            Map<String, Object> m = obj("string");
            m.put("enum", List.copyOf(names));
            return freeze(m);
        }
        if (c.isArray()) return array(ofClass(c.getComponentType()));
        if (Collection.class.isAssignableFrom(c)) return type("array");
        if (Map.class.isAssignableFrom(c)) return type("object");
        if (c == Object.class) return Map.of();
        if (Media.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException("a tool argument cannot be " + c.getSimpleName()
                    + ": the LM can only pass JSON values");
        }
        if (c.isRecord()) {
            List<Tool.Param> params = new ArrayList<>();
            for (RecordComponent rc : c.getRecordComponents()) {
                ToolDoc doc = rc.getAnnotation(ToolDoc.class);
                params.add(Tool.Param.of(rc.getName(), rc.getGenericType(), doc == null ? "" : doc.value()));
            }
            return object(params);
        }
        throw new IllegalArgumentException("unsupported tool argument type " + c.getName()
                + " (use strings, numbers, booleans, enums, lists, maps with String keys, or records)");
    }

    private static Map<String, Object> array(Map<String, Object> items) {
        Map<String, Object> m = obj("array");
        m.put("items", items);
        return freeze(m);
    }

    private static Map<String, Object> type(String name) {
        return Map.of("type", name);
    }

    private static Map<String, Object> obj(String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        return m;
    }

    private static Map<String, Object> freeze(Map<String, Object> m) {
        return Collections.unmodifiableMap(m);
    }
}
