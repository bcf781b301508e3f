package dev.dspy4j.adapter;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.dspy4j.media.History;
import dev.dspy4j.media.Media;
import dev.dspy4j.signature.FieldType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    private static final TypeFactory TYPES = TypeFactory.defaultInstance();
    /** Distinct instantiations of one generic record met while looking for recursion before giving up. */
    private static final int MAX_INSTANTIATIONS = 16;

    private final Map<String, JavaType> defOwners = new HashMap<>();
    private final Map<JavaType, Boolean> recursive = new HashMap<>();

    SchemaGenerator(JsonSchemas.Describer describer) {
        this.describer = describer;
    }

    /** {@code schema} as a whole document: with the {@code $defs} it refers to, if any. */
    Map<String, Object> document(Map<String, Object> schema) {
        if (defs.isEmpty()) return schema;
        Map<String, Object> m = new LinkedHashMap<>(schema);
        m.put("$defs", Collections.unmodifiableMap(new LinkedHashMap<>(defs)));
        return JsonSchemas.refsStandAlone(m);
    }

    Map<String, Object> of(FieldType type) {
        if (type instanceof FieldType.Scalar s) {
            switch (s) {
                case STR:
                    return simple("string");
                case INT:
                    return simple("integer");
                case FLOAT:
                    return simple("number");
                default:
                    return simple("boolean");
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

    /**
     * The schema of a Java type. Types are read through Jackson's {@link TypeFactory}, as Jackson
     * reads the values: a generic record's type variables are bound to the arguments it is used with
     * ({@code Page<Item>}), wildcards to their bounds.
     */
    Map<String, Object> of(Type type) {
        if (type instanceof TypeVariable<?>) throw unsupported(type);
        return of(TYPES.constructType(type));
    }

    private Map<String, Object> of(JavaType t) {
        Class<?> c = t.getRawClass();
        if (c == Optional.class) return nullable(of(t.containedTypeOrUnknown(0)));
        if (t.isArrayType()) return array(of(t.getContentType()));
        if (t.isCollectionLikeType()) return array(of(t.getContentType()));
        if (t.isMapLikeType()) {
            checkKey(t.getKeyType());
            return dict(of(t.getContentType()));
        }
        if (c.isRecord() && !Media.class.isAssignableFrom(c) && c != History.class) return record(t);
        return ofClass(c);
    }

    private Map<String, Object> ofClass(Class<?> c) {
        // first: Image and the other media are records, but the LM cannot write them
        if (Media.class.isAssignableFrom(c) || c == History.class) throw notJson(c.getSimpleName());
        if (c == String.class || c == CharSequence.class || c == char.class || c == Character.class)
            return simple("string");
        if (c == int.class
                || c == Integer.class
                || c == long.class
                || c == Long.class
                || c == short.class
                || c == Short.class
                || c == byte.class
                || c == Byte.class
                || c == BigInteger.class) {
            return simple("integer");
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class || c == BigDecimal.class) {
            return simple("number");
        }
        if (c == boolean.class || c == Boolean.class) return simple("boolean");
        if (c.isEnum())
            return choices(Arrays.stream(c.getEnumConstants())
                    .map(e -> ((Enum<?>) e).name())
                    .toList());
        if (c.isRecord()) return record(TYPES.constructType(c));
        if (c == Object.class || JsonNode.class.isAssignableFrom(c)) return Map.of();
        throw unsupported(c);
    }

    /** A record as a whole JSON document: a record class (string signatures) or a record Java type. */
    private Map<String, Object> record(Class<?> type) {
        return record(TYPES.constructType(type));
    }

    private Map<String, Object> record(JavaType type) {
        Class<?> raw = type.getRawClass();
        if (raw.getTypeParameters().length > type.getBindings().size()) {
            throw new IllegalArgumentException(
                    "generic record " + raw.getSimpleName() + " is used without type arguments"
                            + " (raw); give them where it is used, e.g. " + raw.getSimpleName() + "<String>");
        }
        if (!isRecursive(type)) return recordObject(type);
        String name = defName(type);
        JavaType owner = defOwners.putIfAbsent(name, type);
        if (owner != null && !owner.equals(type))
            throw JsonSchemas.sameName(name, owner.toCanonical(), type.toCanonical());
        if (!defs.containsKey(name)) {
            defs.put(name, null); // reserves the name and its place: the definition refers to itself
            defs.put(name, recordObject(type));
        }
        return Map.of("$ref", "#/$defs/" + name);
    }

    private Map<String, Object> recordObject(JavaType type) {
        List<JsonSchemas.Property> props = new ArrayList<>();
        for (RecordComponent c : type.getRawClass().getRecordComponents()) {
            Map<String, Object> schema;
            try {
                schema = of(component(type, c));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        type.getRawClass().getSimpleName() + "." + c.getName() + ": " + e.getMessage(), e);
            }
            props.add(new JsonSchemas.Property(c.getName(), schema, describer.describe(c), true));
        }
        return JsonSchemas.objectOf(props);
    }

    /** A component's type with the record's type arguments bound; an unbound variable is refused. */
    private static JavaType component(JavaType record, RecordComponent c) {
        Type declared = c.getGenericType();
        if (declared instanceof TypeVariable<?> v && record.getBindings().findBoundType(v.getName()) == null) {
            throw unsupported(declared);
        }
        return TYPES.resolveMemberType(declared, record.getBindings());
    }

    /**
     * The {@code $defs} name: the record's simple name, and for a generic record the names of its
     * type arguments ({@code Tree_String}), since each use defines a different schema.
     */
    private static String defName(JavaType t) {
        if (t.isArrayType()) return defName(t.getContentType()) + "Array";
        StringBuilder sb = new StringBuilder(t.getRawClass().getSimpleName());
        for (JavaType a : t.getBindings().getTypeParameters()) sb.append('_').append(defName(a));
        return sb.toString();
    }

    /** True if {@code type} can reach itself through its components. */
    private boolean isRecursive(JavaType type) {
        Boolean known = recursive.get(type);
        if (known != null) return known;
        List<JavaType> stack = new ArrayList<>(recordsIn(type));
        Set<JavaType> seen = new HashSet<>();
        Map<Class<?>, Integer> uses = new HashMap<>();
        boolean found = false;
        while (!stack.isEmpty() && !found) {
            JavaType r = stack.remove(stack.size() - 1);
            if (r.equals(type)) {
                found = true;
            } else if (seen.add(r)) {
                // a generic record reached with ever new type arguments (Nest<X> holding Nest<List<X>>) would make
                // this search, and the schema, endless: a regular type meets few instantiations of one record
                if (uses.merge(r.getRawClass(), 1, Integer::sum) > MAX_INSTANTIATIONS) {
                    throw new IllegalArgumentException(
                            "record " + r.getRawClass().getSimpleName() + " (reached from "
                                    + type.getRawClass().getSimpleName()
                                    + ") contains itself with type arguments that grow at each"
                                    + " level (e.g. Nest<X> holding Nest<List<X>>): no finite JSON Schema describes it");
                }
                stack.addAll(recordsIn(r));
            }
        }
        recursive.put(type, found);
        return found;
    }

    /** The records named by a record's component types (inside lists, maps, optionals, arrays). */
    private static List<JavaType> recordsIn(JavaType record) {
        List<JavaType> found = new ArrayList<>();
        if (record.getRawClass().getTypeParameters().length
                > record.getBindings().size()) return found; // raw: refused later
        for (RecordComponent c : record.getRawClass().getRecordComponents()) {
            Type declared = c.getGenericType();
            if (declared instanceof TypeVariable<?> v && record.getBindings().findBoundType(v.getName()) == null)
                continue;
            collectRecords(TYPES.resolveMemberType(declared, record.getBindings()), found);
        }
        return found;
    }

    private static void collectRecords(JavaType t, List<JavaType> found) {
        if (t.isArrayType()) {
            collectRecords(t.getContentType(), found);
        } else if (t.getRawClass().isRecord()) {
            found.add(t); // its own components are looked at when it is taken from the stack
        } else {
            for (JavaType a : t.getBindings().getTypeParameters()) collectRecords(a, found);
        }
    }

    /** JSON object keys are strings; Jackson reads them back into these key types. */
    private static void checkKey(JavaType key) {
        Class<?> k = key.getRawClass();
        if (k == String.class || k == CharSequence.class || k.isEnum() || k == Integer.class || k == Long.class) return;
        throw new IllegalArgumentException(
                "map keys must be String (or an enum, Integer or Long), not " + key.toCanonical());
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
