package dev.dspy4j.adapter;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.adapter.ValueParser.ValueException;
import dev.dspy4j.signature.FieldType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Converts a JSON value to the Java value of a field type, item by item, so that every nested
 * value follows the same rules as a top-level one: scalars and choices as {@link ValueParser} reads
 * them, {@code null} only where the type is optional, a tuple's length checked, a union's options
 * tried in order (a string option last, or first for a JSON string), {@code Any} as plain Java values. A record is handed to
 * Jackson with its component types.
 */
final class NodeConverter {
    private NodeConverter() {}

    /**
     * The value of {@code node} as {@code type}, converted to {@code target} (a Java type that carries
     * values of {@code type}: its default Java type, a record component's type, or {@code Object}).
     */
    static Object convert(FieldType type, Type target, JsonNode node) throws ValueException {
        if (type instanceof FieldType.OptionalOf o) {
            boolean wrapped = ValueParser.isOptional(target);
            Type inner = wrapped ? content(target, o.inner().defaultJavaType()) : target;
            if (node == null || node.isNull()) return wrapped ? Optional.empty() : null;
            Object v = convert(o.inner(), inner, node);
            return wrapped ? Optional.ofNullable(v) : v;
        }
        if (type == FieldType.AnyType.INSTANCE) {
            if (target instanceof Class<?> c && JsonNode.class.isAssignableFrom(c)) return node;
            return plain(node);
        }
        if (node == null || node.isNull()) {
            throw new ValueException("is null, but " + type.typeName() + " is not optional");
        }
        if (type == FieldType.Scalar.STR) {
            return node.isTextual() ? node.textValue() : node.toString();
        }
        if (type instanceof FieldType.UnionOf u) {
            return union(u, node);
        }
        if (type instanceof FieldType.ListOf l) {
            return items(type, List.of(l.element()), false, target, node);
        }
        if (type instanceof FieldType.TupleOf t) {
            return items(type, t.elements(), t.variadic(), target, node);
        }
        if (type instanceof FieldType.DictOf d) {
            if (node.isTextual())
                return ValueParser.parseText(type, target, node.textValue().strip());
            if (!node.isObject()) throw unexpected("a JSON object", node);
            Type valueTarget = content(target, d.value().defaultJavaType());
            Map<String, Object> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), at("'" + e.getKey() + "'", d.value(), valueTarget, e.getValue()));
            }
            return out;
        }
        if (type instanceof FieldType.RecordOf) {
            if (node.isTextual())
                return ValueParser.parseText(type, target, node.textValue().strip());
            return ValueParser.jackson(node, target);
        }
        if (node.isValueNode()) {
            return ValueParser.parseText(type, target, node.asText().strip());
        }
        throw unexpected(ValueParser.expected(type), node);
    }

    private static Object items(FieldType type, List<FieldType> elements, boolean variadic, Type target, JsonNode node)
            throws ValueException {
        if (node.isTextual())
            return ValueParser.parseText(type, target, node.textValue().strip());
        if (!node.isArray()) throw unexpected("a JSON array", node);
        boolean fixed = type instanceof FieldType.TupleOf && !variadic;
        if (fixed && node.size() != elements.size()) {
            throw new ValueException("has " + node.size() + " items, but " + type.typeName() + " has " + elements.size()
                    + ": " + ValueParser.abbreviate(node.toString()));
        }
        Collection<Object> out =
                Set.class.isAssignableFrom(ValueParser.javaType(target).getRawClass())
                        ? new LinkedHashSet<>()
                        : new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            FieldType element = elements.get(fixed ? i : 0);
            out.add(at("[" + i + "]", element, content(target, element.defaultJavaType()), node.get(i)));
        }
        return out;
    }

    /** {@link #convert} for a nested item; a failure says where it is ({@code at [2]: ...}). */
    private static Object at(String where, FieldType type, Type target, JsonNode node) throws ValueException {
        try {
            return convert(type, target, node);
        } catch (ValueException e) {
            String m = e.getMessage();
            throw new ValueException("at " + where + (m.startsWith("at ") ? m.substring(3) : ": " + m));
        }
    }

    private static Object union(FieldType.UnionOf u, JsonNode node) throws ValueException {
        // a string option fits everything, so it goes last, except for a JSON string, which it reads as written
        List<FieldType> order = new ArrayList<>(u.options());
        if (order.remove(FieldType.Scalar.STR)) order.add(node.isTextual() ? 0 : order.size(), FieldType.Scalar.STR);
        List<String> why = new ArrayList<>();
        for (FieldType option : order) {
            try {
                return convert(option, option.defaultJavaType(), node);
            } catch (ValueException e) {
                why.add(option.typeName() + ": " + e.getMessage());
            }
        }
        throw new ValueException("fits none of " + u.typeName() + " (" + String.join("; ", why) + ")");
    }

    /** A JSON value as plain Java values: maps, lists, strings, {@code Long} (or {@code BigInteger}), {@code Double}, booleans, null. */
    static Object plain(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) return null;
        if (node.isTextual()) return node.textValue();
        if (node.isBoolean()) return node.booleanValue();
        if (node.isIntegralNumber())
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        if (node.isNumber()) return node.doubleValue();
        if (node.isArray()) {
            List<Object> out = new ArrayList<>(node.size());
            for (JsonNode n : node) out.add(plain(n));
            return out;
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            node.properties().forEach(e -> out.put(e.getKey(), plain(e.getValue())));
            return out;
        }
        return node.toString();
    }

    /**
     * The type of what {@code target} holds, as Jackson's {@code TypeFactory} resolves it: a
     * collection's or array's element, a map's value, an {@code Optional}'s value (through wildcards,
     * and through supertypes as in {@code class Ids extends ArrayList<Integer>}); {@code fallback} when
     * the target does not say ({@code Object}, a raw type). {@code target} may be a reflective type or
     * a Jackson {@code JavaType}. A plain class comes back as its {@code Class}, so the scalar readers
     * can compare it.
     */
    private static Type content(Type target, Type fallback) {
        JavaType t = ValueParser.javaType(target);
        JavaType c = t.isReferenceType() ? t.getReferencedType() : t.getContentType();
        if (c == null || c.hasRawClass(Object.class)) return fallback;
        return ValueParser.plainest(c);
    }

    private static ValueException unexpected(String expected, JsonNode node) {
        return new ValueException("expected " + expected + ", got JSON "
                + node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + ValueParser.abbreviate(node.toString()));
    }
}
