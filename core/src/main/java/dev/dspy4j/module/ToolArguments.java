package dev.dspy4j.module;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tool's arguments on their way in: a JSON object text read into a map, then each value checked
 * against the tool's {@link Tool.Param}s and converted (through Jackson) to the declared Java type.
 * Every refusal is a {@link ToolException} naming the tool and the argument.
 */
final class ToolArguments {
    private ToolArguments() {}

    /** Jackson with {@code Optional} support: converts arguments and writes results and arguments as JSON. */
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module());

    /**
     * The arguments in a JSON object text, as native tool calls carry them; blank or {@code null} is
     * no arguments.
     *
     * @throws ToolException if the text is not JSON or not an object
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String tool, String argsJson) {
        try {
            Object v = argsJson == null || argsJson.isBlank() ? Map.of() : JSON.readValue(argsJson, Object.class);
            if (!(v instanceof Map)) {
                throw new ToolException(
                        tool, "tool " + tool + ": arguments must be a JSON object, not " + argsJson, null);
            }
            return (Map<String, Object>) v;
        } catch (JsonProcessingException e) {
            throw new ToolException(
                    tool, "tool " + tool + ": arguments are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The arguments converted to their parameters' types, in parameter order; with no parameters
     * (an explicit schema) the arguments as given.
     *
     * @throws ToolException for an unknown, missing or unconvertible argument
     */
    static Map<String, Object> convert(String tool, List<Tool.Param> params, Map<String, ?> given) {
        Map<String, Object> converted = new LinkedHashMap<>();
        if (params.isEmpty()) {
            converted.putAll(given);
            return converted;
        }
        Set<String> known = new LinkedHashSet<>();
        for (Tool.Param p : params) known.add(p.name());
        for (String k : given.keySet()) {
            if (!known.contains(k)) {
                throw new ToolException(
                        tool, "tool " + tool + " has no argument '" + k + "'; its arguments are " + known, null);
            }
        }
        for (Tool.Param p : params) {
            converted.put(p.name(), convert(tool, p, given.get(p.name())));
        }
        return converted;
    }

    private static Object convert(String tool, Tool.Param p, Object value) {
        boolean optional = ToolSchemas.optional(p.type());
        if (value == null) {
            if (optional) return Optional.empty();
            if ((p.type() instanceof Class<?> c && c.isPrimitive()) || p.required()) {
                throw new ToolException(tool, "tool " + tool + ": missing argument '" + p.name() + "'", null);
            }
            return null;
        }
        JavaType target = JSON.getTypeFactory().constructType(p.type());
        Object v = value;
        if (v instanceof String s && wantsStructure(target)) {
            String t = s.trim();
            if (t.startsWith("{") || t.startsWith("[")) {
                try {
                    v = JSON.readValue(t, Object.class);
                } catch (JsonProcessingException e) {
                    // not JSON after all: let the conversion below report the mismatch
                }
            }
        }
        try {
            return JSON.convertValue(v, target);
        } catch (IllegalArgumentException e) {
            throw new ToolException(
                    tool,
                    "tool " + tool + ": argument '" + p.name() + "' = " + abbreviate(value) + " is not a valid "
                            + p.type().getTypeName(),
                    e);
        }
    }

    private static boolean wantsStructure(JavaType t) {
        if (t.isReferenceType()) t = t.getReferencedType();
        return t.isContainerType() || t.isArrayType() || t.getRawClass().isRecord();
    }

    private static String abbreviate(Object v) {
        String s = String.valueOf(v);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
