package dev.dspy4j.adapter;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.dspy4j.media.History;
import dev.dspy4j.media.Media;
import dev.dspy4j.prompt.Prompt;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Renders field values for every adapter: text for plain values, media parts for media values,
 * placed exactly where the value goes. Payloads are never read: a media value is appended to the
 * prompt builder as a reference.
 */
final class ValueFormat {
    /** Shown in place of a value that a demo, history turn or optional input does not provide. */
    static final String NOT_GIVEN = "(not given)";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /** Compact JSON with a space after each comma and colon: {@code {"a": 1, "b": [1, 2]}}. */
    private static final ObjectWriter WRITER = MAPPER.writer(new SpacedPrinter());

    private ValueFormat() {}

    /**
     * Appends an input value to the open message of {@code b}: a string as it is, a media value as a
     * media part, a list or map holding media as its punctuation in text around the parts, anything
     * else as {@link #text}.
     *
     * @param field names the field in errors
     */
    static void append(Prompt.Builder b, Object value, String field) {
        append(b, value, field, UnaryOperator.identity());
    }

    /** Like {@link #append(Prompt.Builder, Object, String)}, passing every piece of text through {@code escape}. */
    static void append(Prompt.Builder b, Object value, String field, UnaryOperator<String> escape) {
        Object v = unwrap(value);
        if (containsMedia(v)) {
            appendNested(b, v, field, escape);
        } else {
            b.text(escape.apply(text(v, field)));
        }
    }

    private static void appendNested(Prompt.Builder b, Object value, String field, UnaryOperator<String> escape) {
        Object v = unwrap(value);
        if (v instanceof Media m) {
            b.media(m);
        } else if (v instanceof Collection<?> c && containsMedia(c)) {
            b.text('[');
            boolean first = true;
            for (Object e : c) {
                if (!first) b.text(", ");
                first = false;
                appendNested(b, e, field, escape);
            }
            b.text(']');
        } else if (v instanceof Map<?, ?> m && containsMedia(m)) {
            b.text('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) b.text(", ");
                first = false;
                b.text(escape.apply(json(String.valueOf(e.getKey()), field))).text(": ");
                appendNested(b, e.getValue(), field, escape);
            }
            b.text('}');
        } else if (v instanceof Record r && containsMedia(r)) {
            b.text('{');
            boolean first = true;
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                if (!first) b.text(", ");
                first = false;
                b.text(escape.apply(json(c.getName(), field))).text(": ");
                appendNested(b, component(r, c, field), field, escape);
            }
            b.text('}');
        } else {
            b.text(escape.apply(json(v, field)));
        }
    }

    /**
     * The text of a non-media value: a string as it is, a number or boolean as written in Java, an
     * enum constant by name, anything else (lists, maps, records) as compact JSON.
     *
     * @throws IllegalArgumentException if the value holds media or cannot be written as JSON
     */
    static String text(Object value, String field) {
        Object v = unwrap(value);
        if (v == null) return NOT_GIVEN;
        if (v instanceof CharSequence s) return s.toString();
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        if (v instanceof Enum<?> e) return e.name();
        return json(v, field);
    }

    /** Compact JSON of a value (strings quoted). */
    static String json(Object value, String field) {
        Object v = unwrap(value);
        if (v instanceof Media || v instanceof History) {
            throw new IllegalArgumentException("field '" + field + "' holds "
                    + v.getClass().getSimpleName() + " where only text can go (media belongs in input fields)");
        }
        if (v instanceof Record && containsMedia(v)) {
            // Jackson would write the media as an empty object: the image would silently vanish
            throw new IllegalArgumentException(
                    "field '" + field + "' holds a " + v.getClass().getSimpleName()
                            + " record with an Image, Audio, File or Document inside, where only text can go "
                            + "(media belongs in input fields)");
        }
        try {
            return WRITER.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "the value of field '" + field + "' (" + v.getClass().getName() + ") cannot be written as JSON: "
                            + e.getOriginalMessage(),
                    e);
        }
    }

    /** True if the value is media or a list, map or record (at any depth) that holds media. */
    static boolean containsMedia(Object value) {
        Object v = unwrap(value);
        if (v instanceof Media) return true;
        if (v instanceof Collection<?> c) {
            for (Object e : c) {
                if (containsMedia(e)) return true;
            }
        } else if (v instanceof Map<?, ?> m) {
            for (Object e : m.values()) {
                if (containsMedia(e)) return true;
            }
        } else if (v instanceof Record r) {
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                if (containsMedia(component(r, c, r.getClass().getSimpleName() + "." + c.getName()))) return true;
            }
        }
        return false;
    }

    /** The value of one component of a record (reading an accessor, never a payload). */
    private static Object component(Record r, RecordComponent c, String field) {
        try {
            Method accessor = c.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(r);
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof InvocationTargetException ite && ite.getCause() != null ? ite.getCause() : e;
            throw new IllegalArgumentException(
                    "field '" + field + "': cannot read component '" + c.getName() + "' of "
                            + r.getClass().getSimpleName() + ": " + cause,
                    cause);
        }
    }

    /** The value inside an {@link Optional}, null for an empty one; other values as they are. */
    static Object unwrap(Object value) {
        if (value instanceof Optional<?> o) return o.orElse(null);
        return value;
    }

    /** True if the value is absent: null or an empty {@link Optional}. */
    static boolean absent(Object value) {
        return unwrap(value) == null;
    }

    /** Writes JSON with {@code ", "} and {@code ": "} separators on one line. */
    private static final class SpacedPrinter extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }
}
