package dev.dspy4j.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.media.History;
import dev.dspy4j.media.Media;
import dev.dspy4j.signature.FieldType;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One generation of JSON Schemas (see {@link JsonSchemas} for the rules): turns field types and Java
 * types into schema maps and collects the {@code $defs} of recursive records met on the way.
 *
 * <p>A record is recursive when it can reach itself through its components (directly, or through
 * lists, maps, {@code Optional}s, arrays or other records). Such a record always appears as
 * {@code {"$ref": "#/$defs/Name"}} and is defined once under its simple name; every other record is
 * written inline wherever it is used. The definition of a record does not depend on where it was
 * first met, so two generations define it identically and their {@code $defs} can be merged.
 * Not thread-safe: one instance per document.
 */
final class SchemaGenerator {
    private final JsonSchemas.Describer describer;
    /** Definitions by name, in the order first referred to; a definition being built maps to null. */
    private final Map<String, Map<String, Object>> defs = new LinkedHashMap<>();
    private final Map<String, Class<?>> defOwners = new HashMap<>();
    private final Map<Class<?>, Boolean> recursive = new HashMap<>();

    SchemaGenerator(JsonSchemas.Describer describer) {
        this.describer = describer;
    }

    /** {@code schema} as a whole document: with the {@code $defs} it refers to, if any. */
    Map<String, Object> document(Map<String, Object> schema) {
        if (defs.isEmpty()) return schema;
        Map<String, Object> m = new LinkedHashMap<>(schema);
        m.put("$defs", Collections.unmodifiableMap(new LinkedHashMap<>(defs)));
        return Collections.unmodifiableMap(m);
    }

    Map<String, Object> of(FieldType type) {
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
            for (FieldType o : u.options()) options.add(of(o));
            return Map.of("anyOf", List.copyOf(options));
        }
        if (type instanceof FieldType.TupleOf t) {
            if (t.variadic()) return array(of(t.elements().get(0)));
            List<Object> items = new ArrayList<>();
            for (FieldType e : t.elements()) items.add(of(e));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "array");
            m.put("prefixItems", List.copyOf(items));
            m.put("minItems", items.size());
            m.put("maxItems", items.size());
            return Collections.unmodifiableMap(m);
        }
        if (type instanceof FieldType.EnumOf e) return choices(e.choices());
        if (type instanceof FieldType.ListOf l) return array(of(l.element()));
        if (type instanceof FieldType.DictOf d) return dict(of(d.value()));
        if (type instanceof FieldType.OptionalOf o) return nullable(of(o.inner()));
        if (type instanceof FieldType.RecordOf r) return record(r.type());
        if (type.isMedia() || type == FieldType.HistoryType.INSTANCE) throw notJson(type.typeName());
        throw new IllegalArgumentException("no JSON Schema for type " + type.typeName());
    }

    Map<String, Object> of(Type type) {
        if (type instanceof Class<?> c) return ofClass(c);
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (raw == Optional.class) return nullable(of(args[0]));
            if (Collection.class.isAssignableFrom(raw)) return array(of(args[0]));
            if (Map.class.isAssignableFrom(raw)) {
                checkKey(args[0]);
                return dict(of(args[1]));
            }
            return of(raw);
        }
        if (type instanceof GenericArrayType g) return array(of(g.getGenericComponentType()));
        if (type instanceof WildcardType w) return of(w.getUpperBounds()[0]);
        throw unsupported(type);
    }

    private Map<String, Object> ofClass(Class<?> c) {
        // first: Image and the other media are records, but the LM cannot write them
        if (Media.class.isAssignableFrom(c) || c == History.class) throw notJson(c.getSimpleName());
        if (c == String.class || c == CharSequence.class || c == char.class || c == Character.class) return simple("string");
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class || c == short.class
                || c == Short.class || c == byte.class || c == Byte.class || c == BigInteger.class) {
            return simple("integer");
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class || c == BigDecimal.class) {
            return simple("number");
        }
        if (c == boolean.class || c == Boolean.class) return simple("boolean");
        if (c.isEnum()) return choices(Arrays.stream(c.getEnumConstants()).map(e -> ((Enum<?>) e).name()).toList());
        if (c.isArray()) return array(ofClass(c.getComponentType()));
        if (c.isRecord()) return record(c);
        if (c == Object.class || JsonNode.class.isAssignableFrom(c)) return Map.of();
        if (Collection.class.isAssignableFrom(c)) return array(Map.of());
        if (Map.class.isAssignableFrom(c)) return dict(Map.of());
        throw unsupported(c);
    }

    private Map<String, Object> record(Class<?> type) {
        if (!isRecursive(type)) return recordObject(type);
        String name = type.getSimpleName();
        Class<?> owner = defOwners.putIfAbsent(name, type);
        if (owner != null && owner != type) throw JsonSchemas.sameName(name, owner, type);
        if (!defs.containsKey(name)) {
            defs.put(name, null); // reserves the name and its place: the definition refers to itself
            defs.put(name, recordObject(type));
        }
        return Map.of("$ref", "#/$defs/" + name);
    }

    private Map<String, Object> recordObject(Class<?> type) {
        List<JsonSchemas.Property> props = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Map<String, Object> schema;
            try {
                schema = of(c.getGenericType());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + c.getName() + ": " + e.getMessage(), e);
            }
            props.add(new JsonSchemas.Property(c.getName(), schema, describer.describe(c), true));
        }
        return JsonSchemas.objectOf(props);
    }

    /** True if {@code type} can reach itself through its components. */
    private boolean isRecursive(Class<?> type) {
        return recursive.computeIfAbsent(type, t -> {
            List<Class<?>> stack = new ArrayList<>(recordsIn(t));
            java.util.Set<Class<?>> seen = new java.util.HashSet<>();
            while (!stack.isEmpty()) {
                Class<?> r = stack.remove(stack.size() - 1);
                if (r == t) return true;
                if (seen.add(r)) stack.addAll(recordsIn(r));
            }
            return false;
        });
    }

    /** The records named by a record's component types (inside lists, maps, optionals, arrays). */
    private static List<Class<?>> recordsIn(Class<?> record) {
        List<Class<?>> found = new ArrayList<>();
        for (RecordComponent c : record.getRecordComponents()) collectRecords(c.getGenericType(), found);
        return found;
    }

    private static void collectRecords(Type t, List<Class<?>> found) {
        if (t instanceof Class<?> c) {
            if (c.isArray()) collectRecords(c.getComponentType(), found);
            else if (c.isRecord()) found.add(c);
        } else if (t instanceof ParameterizedType p) {
            for (Type a : p.getActualTypeArguments()) collectRecords(a, found);
        } else if (t instanceof GenericArrayType g) {
            collectRecords(g.getGenericComponentType(), found);
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) collectRecords(b, found);
        }
    }

    /** JSON object keys are strings; Jackson reads them back into these key types. */
    private static void checkKey(Type key) {
        if (key instanceof Class<?> k && (k == String.class || k == CharSequence.class || k.isEnum()
                || k == Integer.class || k == Long.class)) {
            return;
        }
        throw new IllegalArgumentException("map keys must be String (or an enum, Integer or Long), not " + key.getTypeName());
    }

    private static IllegalArgumentException notJson(String mediaType) {
        return new IllegalArgumentException(mediaType + " cannot be a JSON value: the LM writes only JSON "
                + "(strings, numbers, booleans, lists, objects), not media or history");
    }

    private static IllegalArgumentException unsupported(Type t) {
        return new IllegalArgumentException("no JSON Schema for Java type " + t.getTypeName() + " (use strings, "
                + "numbers, booleans, enums, records, lists, arrays, Optional, or maps with String keys)");
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
