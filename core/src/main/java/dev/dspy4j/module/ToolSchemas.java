package dev.dspy4j.module;

import dev.dspy4j.adapter.JsonSchemas;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tool argument schemas through the one generator, {@link JsonSchemas}. What is the tools' own: an
 * {@code Optional} argument may be left out (so its schema is that of the value, and it is not
 * required), and record components are described by {@link ToolDoc} as well as Jackson's
 * {@code @JsonPropertyDescription}.
 */
final class ToolSchemas {
    private ToolSchemas() {}

    /** {@link ToolDoc} on a record component, else its {@code @JsonPropertyDescription}. */
    static final JsonSchemas.Describer DESCRIBER = ToolSchemas::describe;

    /** The schema of an argument of type {@code t}: of the value inside, for an {@code Optional}. */
    static Map<String, Object> of(Type t) {
        Type value = t instanceof ParameterizedType p && p.getRawType() == Optional.class
                ? p.getActualTypeArguments()[0]
                : t;
        return JsonSchemas.of(value, DESCRIBER);
    }

    /** True if a parameter of this type may be left out (it is an {@code Optional}). */
    static boolean optional(Type t) {
        return t == Optional.class || (t instanceof ParameterizedType p && p.getRawType() == Optional.class);
    }

    /** An object schema with these properties; all non-optional ones are required. */
    static Map<String, Object> object(List<Tool.Param> params) {
        List<JsonSchemas.Property> props = new ArrayList<>();
        for (Tool.Param p : params) {
            props.add(new JsonSchemas.Property(p.name(), p.schema(), p.description(), p.required()));
        }
        return JsonSchemas.object(props);
    }

    private static String describe(RecordComponent c) {
        ToolDoc doc = c.getAnnotation(ToolDoc.class);
        return doc != null ? doc.value() : JsonSchemas.JACKSON_DESCRIPTIONS.describe(c);
    }
}
