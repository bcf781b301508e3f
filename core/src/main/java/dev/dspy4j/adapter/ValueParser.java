package dev.dspy4j.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts output text (or a JSON value) into a field's Java type, for every adapter.
 *
 * <p>Lenient where it is safe: surrounding whitespace, code fences around JSON, quotes around a
 * scalar, the case of enum and {@code Literal} choices and of {@code true}/{@code false}, single
 * quotes and trailing commas in JSON. Strict where it matters: an integer field takes only a whole
 * number ({@code 4.5} and {@code four} are errors, never 0), a boolean only true or false, and a
 * record must have all its components.
 */
final class ValueParser {

    /** Lenient reading of JSON text, strict conversion to Java types. */
    static final JsonMapper MAPPER = strictMapper();

    /** What a bool field reads, as choices. */
    private static final List<String> BOOL_WORDS = List.of("true", "false");

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private ValueParser() {}

    /** A value that cannot be converted; the message says why (it does not name the field). */
    static final class ValueException extends Exception {
        private static final long serialVersionUID = 1L;

        ValueException(String message) {
            super(message);
        }
    }

    private static JsonMapper strictMapper() {
        JsonMapper m = JsonMapper.builder()
                .addModule(new Jdk8Module())
                // what models write in Python's or JavaScript's style that Jackson can read by itself;
                // None/True/False and 1_000 are left to PythonLiterals (no Jackson feature covers them)
                .enable(
                        JsonReadFeature.ALLOW_SINGLE_QUOTES,
                        JsonReadFeature.ALLOW_TRAILING_COMMA,
                        JsonReadFeature.ALLOW_JAVA_COMMENTS,
                        JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES,
                        JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER,
                        JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS,
                        JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                        JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            m.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        return m;
    }

    /**
     * Reads JSON, or a Python literal ({@code None}, {@code True}, {@code 1_000}, tuples) as JSON; see
     * {@link PythonLiterals}.
     */
    static JsonNode readJson(String text) throws JsonProcessingException {
        return MAPPER.readTree(PythonLiterals.toJson(text));
    }

    /**
     * Converts text to the field's Java type. For an optional field, empty text, {@code null},
     * {@code None} and the not-given marker mean absent (null, or an empty {@code Optional}).
     */
    static Object parseText(Field field, String text) throws ValueException {
        FieldType type = field.type();
        String t = text.strip();
        if (type instanceof FieldType.OptionalOf o) {
            if (t.isEmpty()
                    || t.equalsIgnoreCase("null")
                    || t.equalsIgnoreCase("none")
                    || t.equals(ValueFormat.NOT_GIVEN)) {
                return absent(field.javaType());
            }
            type = o.inner();
        }
        Type target = optionalInner(field.javaType());
        return wrap(field.javaType(), parseText(type, target, t));
    }

    /** Converts a JSON value (as found in a JSON completion) to the field's Java type. */
    static Object parseNode(Field field, JsonNode node) throws ValueException {
        FieldType type = field.type();
        if (type instanceof FieldType.OptionalOf o) {
            // the marker a demo shows for a missing value (see FieldAdapter) means absent here too
            if (node.isNull() || (node.isTextual() && node.textValue().strip().equals(ValueFormat.NOT_GIVEN))) {
                return absent(field.javaType());
            }
            type = o.inner();
        } else if (node.isNull()) {
            throw new ValueException("is null, but the field is not optional");
        }
        Type target = optionalInner(field.javaType());
        return wrap(field.javaType(), NodeConverter.convert(type, target, node));
    }

    /** Converts text to a value of {@code type} carried by {@code target}; see {@link NodeConverter} for JSON. */
    static Object parseText(FieldType type, Type target, String t) throws ValueException {
        if (type == FieldType.Scalar.STR) {
            return t;
        }
        if (type == FieldType.Scalar.INT) {
            return integer(unquote(unfence(t)), target);
        }
        if (type == FieldType.Scalar.FLOAT) {
            return decimal(unquote(unfence(t)), target);
        }
        if (type == FieldType.Scalar.BOOL) {
            // a choice between two words, unwrapped as a Literal's choice is ("True"., **false**), any case;
            // yes/no and 1/0 stay errors (pydantic reads them, but they are not what a bool field asks for)
            String s = unquote(unfence(t));
            try {
                return choice(s, BOOL_WORDS).equals("true");
            } catch (ValueException e) {
                throw new ValueException("'" + abbreviate(s) + "' is not true or false");
            }
        }
        if (type instanceof FieldType.Literal l) {
            return l.values().get(l.choices().indexOf(choice(unquote(unfence(t)), l.choices())));
        }
        if (type == FieldType.AnyType.INSTANCE) {
            String body = unfence(t);
            try {
                JsonNode node = readJson(body);
                if (node != null && !node.isMissingNode()) return NodeConverter.convert(type, target, node);
            } catch (JsonProcessingException e) {
                // not JSON: the text itself
            }
            return target instanceof Class<?> c && JsonNode.class.isAssignableFrom(c)
                    ? MAPPER.getNodeFactory().textNode(t)
                    : t;
        }
        if (type instanceof FieldType.UnionOf u) {
            // a value written as JSON or a Python literal is read as JsonAdapter reads it, so a quoted
            // "12" is a str option's string in both adapters; bare text falls through to the options
            String body = unfence(t);
            try {
                JsonNode node = readJson(body);
                if (node != null && !node.isMissingNode() && !node.isNull()) {
                    return NodeConverter.convert(u, target, node);
                }
            } catch (JsonProcessingException | ValueException e) {
                // not JSON, or no option reads the JSON value: try each option on the text itself
            }
            List<FieldType> order = new java.util.ArrayList<>(u.options());
            if (order.remove(FieldType.Scalar.STR)) order.add(FieldType.Scalar.STR); // a string always fits: last
            List<String> why = new java.util.ArrayList<>();
            for (FieldType option : order) {
                try {
                    return parseText(option, option.defaultJavaType(), t);
                } catch (ValueException e) {
                    why.add(option.typeName() + ": " + e.getMessage());
                }
            }
            throw new ValueException("fits none of " + u.typeName() + " (" + String.join("; ", why) + ")");
        }
        if (type instanceof FieldType.EnumOf e) {
            String name = choice(unquote(unfence(t)), e.choices());
            return jackson(ValueParser.MAPPER.getNodeFactory().textNode(name), target);
        }
        if (isStructured(type)) {
            String body = unfence(t);
            JsonNode node;
            try {
                node = readJson(body);
            } catch (JsonProcessingException e) {
                throw new ValueException("is not valid JSON (" + e.getOriginalMessage() + "): " + abbreviate(body));
            }
            if (node == null || node.isMissingNode()) {
                throw new ValueException("is empty; expected JSON");
            }
            return NodeConverter.convert(type, target, node);
        }
        throw new ValueException("type " + type.typeName() + " cannot be an output");
    }

    private static boolean isStructured(FieldType type) {
        return type instanceof FieldType.ListOf
                || type instanceof FieldType.DictOf
                || type instanceof FieldType.RecordOf
                || type instanceof FieldType.TupleOf;
    }

    static String expected(FieldType type) {
        if (type == FieldType.Scalar.INT) return "an integer";
        if (type == FieldType.Scalar.FLOAT) return "a number";
        if (type == FieldType.Scalar.BOOL) return "true or false";
        return "one of the choices";
    }

    private static Object integer(String s, Type target) throws ValueException {
        s = withoutDigitUnderscores(s);
        if (!NUMBER.matcher(s).matches()) {
            throw new ValueException("'" + abbreviate(s) + "' is not an integer");
        }
        BigDecimal d = number(s);
        if (d.signum() != 0 && d.stripTrailingZeros().scale() > 0) {
            throw new ValueException("'" + s + "' is not a whole number");
        }
        if (d.precision() - d.scale() > 40) {
            throw new ValueException("'" + abbreviate(s) + "' is out of range for " + target.getTypeName());
        }
        BigInteger whole = d.toBigInteger();
        try {
            if (target == Integer.class || target == int.class) return whole.intValueExact();
            if (target == Short.class || target == short.class) return whole.shortValueExact();
            if (target == Byte.class || target == byte.class) return whole.byteValueExact();
            if (target == BigInteger.class) return whole;
            if (target == Long.class || target == long.class || target == Object.class || target == Number.class) {
                return whole.longValueExact();
            }
        } catch (ArithmeticException e) {
            throw new ValueException("'" + s + "' is out of range for " + target.getTypeName());
        }
        return jackson(MAPPER.getNodeFactory().numberNode(whole), target);
    }

    private static Object decimal(String s, Type target) throws ValueException {
        s = withoutDigitUnderscores(s);
        if (!NUMBER.matcher(s).matches()) {
            throw new ValueException("'" + abbreviate(s) + "' is not a number");
        }
        BigDecimal d = number(s);
        if (target == BigDecimal.class) return d;
        double v = d.doubleValue();
        if (Double.isInfinite(v)) {
            throw new ValueException("'" + abbreviate(s) + "' is out of range for " + target.getTypeName());
        }
        if (target == Float.class || target == float.class) {
            if (Float.isInfinite((float) v)) {
                throw new ValueException("'" + abbreviate(s) + "' is out of range for " + target.getTypeName());
            }
            return (float) v;
        }
        if (target == Double.class || target == double.class || target == Object.class || target == Number.class) {
            return v;
        }
        return jackson(MAPPER.getNodeFactory().numberNode(d), target);
    }

    /** {@code 1_000} as {@code 1000} (Python's digit grouping); other text as it is. */
    private static String withoutDigitUnderscores(String s) {
        if (s.indexOf('_') < 0) return s;
        String t = PythonLiterals.toJson(s);
        return NUMBER.matcher(t).matches() ? t : s;
    }

    private static BigDecimal number(String s) throws ValueException {
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new ValueException("'" + abbreviate(s) + "' is out of range");
        }
    }

    private static String choice(String s, List<String> choices) throws ValueException {
        String c = match(s, choices);
        for (String t = s, prev = null; c == null && !t.equals(prev); c = match(t, choices)) {
            prev = t;
            t = unwrapChoice(t);
        }
        if (c != null) return c;
        throw new ValueException("'" + abbreviate(s) + "' is not one of " + choices);
    }

    private static String match(String s, List<String> choices) {
        for (String c : choices) {
            if (c.equals(s)) return c;
        }
        for (String c : choices) {
            if (c.equalsIgnoreCase(s)) return c;
        }
        return null;
    }

    private static final Pattern TYPE_WRAPPER = Pattern.compile("[A-Za-z_][\\w.]*\\[(.*)]", Pattern.DOTALL);

    /**
     * One layer of what models wrap a choice in, removed: the type around it ({@code Literal[x]},
     * {@code str[x]}), quotes, backticks or Markdown emphasis ({@code **x**}), a final period.
     */
    private static String unwrapChoice(String s) {
        String t = s.strip();
        Matcher m = TYPE_WRAPPER.matcher(t);
        if (m.matches()) return m.group(1).strip();
        if (t.endsWith(".")) return t.substring(0, t.length() - 1).strip();
        if (t.length() >= 2 && t.startsWith("*") && t.endsWith("*"))
            return t.substring(1, t.length() - 1).strip();
        return unquote(t);
    }

    /** Jackson's conversion of {@code node} to {@code target} (records, enums, and what they hold). */
    static Object jackson(JsonNode node, Type target) throws ValueException {
        try {
            JavaType jt = MAPPER.getTypeFactory().constructType(target);
            return MAPPER.treeToValue(node, jt);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            String name = target instanceof JavaType j ? j.toCanonical() : target.getTypeName();
            throw new ValueException("cannot be read as " + name + ": " + firstLine(why));
        }
    }

    /** The text inside a code fence that wraps the whole text (the fence's language tag dropped). */
    static String unfence(String text) {
        String s = text.strip();
        if (!s.startsWith("```")) return s;
        int nl = s.indexOf('\n');
        if (nl < 0) {
            return s.replaceAll("^`+|`+$", "").strip();
        }
        String body = s.substring(nl + 1);
        int end = body.lastIndexOf("```");
        if (end >= 0) body = body.substring(0, end);
        return body.strip();
    }

    private static String unquote(String s) {
        if (s.length() >= 2) {
            char a = s.charAt(0);
            char z = s.charAt(s.length() - 1);
            if ((a == '"' || a == '\'' || a == '`') && z == a)
                return s.substring(1, s.length() - 1).strip();
        }
        return s;
    }

    /** {@code t} as Jackson's {@code TypeFactory} resolves it ({@code t} may already be a {@code JavaType}). */
    static JavaType javaType(Type t) {
        return MAPPER.getTypeFactory().constructType(t);
    }

    /**
     * {@code t} as the plainest {@code Type} that says the same: a class without type arguments as its
     * {@code Class} (the scalar readers compare classes), anything else as the {@code JavaType}.
     */
    static Type plainest(JavaType t) {
        return t.isContainerType() || t.isReferenceType() || t.hasGenericTypes() ? t : t.getRawClass();
    }

    static boolean isOptional(Type t) {
        return javaType(t).hasRawClass(Optional.class);
    }

    /** The value type of an {@code Optional<T>} ({@code T}; a raw {@code Optional}'s is {@code Object}), other types as they are. */
    private static Type optionalInner(Type t) {
        return isOptional(t) ? plainest(javaType(t).getReferencedType()) : t;
    }

    private static Object absent(Type javaType) {
        return isOptional(javaType) ? Optional.empty() : null;
    }

    private static Object wrap(Type javaType, Object value) {
        return isOptional(javaType) ? Optional.ofNullable(value) : value;
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
