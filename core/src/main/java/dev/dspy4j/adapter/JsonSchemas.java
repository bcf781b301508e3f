package dev.dspy4j.adapter;

import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import dev.dspy4j.signature.Signature;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * JSON Schemas for output types: objects list every property as required and allow no
 * additional properties; enums and {@code Literal} become {@code enum}; {@code Optional} becomes
 * {@code anyOf} with {@code null}, a union {@code anyOf} of its options; {@code Any} is the empty
 * schema; a fixed tuple is an array with {@code prefixItems} and its length. Schemas are plain ordered maps, so they can go into request
 * parameters and be printed into prompts.
 */
final class JsonSchemas {
    private JsonSchemas() {}

    /** The schema of an object holding every output of {@code signature}. */
    static Map<String, Object> outputs(Signature signature) {
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Field f : signature.outputs()) {
            props.put(f.name(), of(f));
            required.add(f.name());
        }
        return object(props, required);
    }

    /** The schema of one field's values. */
    static Map<String, Object> of(Field field) {
        return of(field.type());
    }

    /** The schema of values of {@code type}. */
    static Map<String, Object> of(FieldType type) {
        return of(type, new HashSet<>());
    }

    /**
     * True if the schema fits OpenAI's strict mode: no free-form maps, no {@code Any} (an empty
     * schema), no fixed-length tuples ({@code prefixItems}).
     */
    static boolean strictCompatible(Object schema) {
        if (schema instanceof Map<?, ?> m) {
            Object ap = m.get("additionalProperties");
            if (ap instanceof Map || m.isEmpty() || m.containsKey("prefixItems")) return false;
            for (Object v : m.values()) {
                if (!strictCompatible(v)) return false;
            }
        } else if (schema instanceof Collection<?> c) {
            for (Object v : c) {
                if (!strictCompatible(v)) return false;
            }
        }
        return true;
    }

    private static Map<String, Object> of(FieldType type, Set<Class<?>> seen) {
        if (type instanceof FieldType.Scalar s) {
            switch (s) {
                case STR: return simple("string");
                case INT: return simple("integer");
                case FLOAT: return simple("number");
                default: return simple("boolean");
            }
        }
        if (type instanceof FieldType.Literal l) return literal(l.values());
        if (type == FieldType.AnyType.INSTANCE) return Map.of();
        if (type instanceof FieldType.UnionOf u) {
            List<Object> options = new ArrayList<>();
            for (FieldType o : u.options()) options.add(of(o, seen));
            return Map.of("anyOf", List.copyOf(options));
        }
        if (type instanceof FieldType.TupleOf t) {
            if (t.variadic()) return array(of(t.elements().get(0), seen));
            List<Object> items = new ArrayList<>();
            for (FieldType e : t.elements()) items.add(of(e, seen));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "array");
            m.put("prefixItems", List.copyOf(items));
            m.put("minItems", items.size());
            m.put("maxItems", items.size());
            return Collections.unmodifiableMap(m);
        }
        if (type instanceof FieldType.EnumOf e) return choices(e.choices());
        if (type instanceof FieldType.ListOf l) return array(of(l.element(), seen));
        if (type instanceof FieldType.DictOf d) return dict(of(d.value(), seen));
        if (type instanceof FieldType.OptionalOf o) return nullable(of(o.inner(), seen));
        if (type instanceof FieldType.RecordOf r) return record(r.type(), seen);
        throw new IllegalArgumentException("no JSON Schema for type " + type.typeName());
    }

    private static Map<String, Object> ofJava(Type type, Set<Class<?>> seen) {
        if (type instanceof Class<?> c) {
            if (c == String.class || c == CharSequence.class || c == char.class || c == Character.class) {
                return simple("string");
            }
            if (c == int.class || c == Integer.class || c == long.class || c == Long.class || c == short.class
                    || c == Short.class || c == byte.class || c == Byte.class || c == BigInteger.class) {
                return simple("integer");
            }
            if (c == double.class || c == Double.class || c == float.class || c == Float.class
                    || c == BigDecimal.class) {
                return simple("number");
            }
            if (c == boolean.class || c == Boolean.class) return simple("boolean");
            if (c.isEnum()) {
                return choices(Arrays.stream(c.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList());
            }
            if (c.isRecord()) {
                @SuppressWarnings("unchecked")
                Class<? extends Record> r = (Class<? extends Record>) c;
                return record(r, seen);
            }
            if (c.isArray()) return array(ofJava(c.getComponentType(), seen));
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) return array(ofJava(args[0], seen));
            if (Map.class.isAssignableFrom(raw)) return dict(ofJava(args[1], seen));
            if (raw == Optional.class) return nullable(ofJava(args[0], seen));
        }
        throw new IllegalArgumentException("no JSON Schema for Java type " + type.getTypeName());
    }

    private static Map<String, Object> record(Class<? extends Record> type, Set<Class<?>> seen) {
        if (!seen.add(type)) {
            throw new IllegalArgumentException("record " + type.getName() + " refers to itself; "
                    + "recursive records have no finite JSON Schema");
        }
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            props.put(c.getName(), ofJava(c.getGenericType(), seen));
            required.add(c.getName());
        }
        seen.remove(type);
        return object(props, required);
    }

    private static Map<String, Object> object(Map<String, Object> props, List<String> required) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "object");
        m.put("properties", Collections.unmodifiableMap(props));
        m.put("required", List.copyOf(required));
        m.put("additionalProperties", false);
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> simple(String type) {
        return Map.of("type", type);
    }

    /** {@code enum} of a Literal's values, typed when they share a JSON type. */
    private static Map<String, Object> literal(List<?> values) {
        String type = null;
        if (values.stream().allMatch(v -> v instanceof String)) type = "string";
        else if (values.stream().allMatch(v -> v instanceof Long)) type = "integer";
        else if (values.stream().allMatch(v -> v instanceof Number)) type = "number";
        else if (values.stream().allMatch(v -> v instanceof Boolean)) type = "boolean";
        Map<String, Object> m = new LinkedHashMap<>();
        if (type != null) m.put("type", type);
        m.put("enum", List.copyOf(values));
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> choices(List<String> choices) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "string");
        m.put("enum", List.copyOf(choices));
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> array(Map<String, Object> items) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "array");
        m.put("items", items);
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> dict(Map<String, Object> values) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "object");
        m.put("additionalProperties", values);
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Object> nullable(Map<String, Object> inner) {
        return Map.of("anyOf", List.of(inner, simple("null")));
    }
}
