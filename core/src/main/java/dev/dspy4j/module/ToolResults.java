package dev.dspy4j.module;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.dspy4j.media.Media;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;

/**
 * The two ends of a tool call in {@link ReAct}: the arguments the LM wrote, read leniently into a map,
 * and the tool's result, turned into an observation (text, or the value itself when it holds media,
 * which the adapter renders as parts).
 */
final class ToolResults {
    private ToolResults() {}

    private static final com.fasterxml.jackson.databind.ObjectMapper LENIENT =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .enable(
                            com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_SINGLE_QUOTES,
                            com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_TRAILING_COMMA,
                            com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES)
                    .build();

    /**
     * The tool arguments as a map: a map as it is; a JSON object text (code fences allowed) parsed;
     * empty text or {@code null} as no arguments.
     *
     * @throws IllegalArgumentException if the value is not a JSON object
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseArgs(Object raw) {
        if (raw == null) return Map.of();
        if (raw instanceof Map<?, ?> m) return (Map<String, Object>) m;
        String t = raw.toString().strip();
        if (t.startsWith("```")) {
            int nl = t.indexOf('\n');
            t = nl < 0 ? t.replaceAll("^`+|`+$", "") : t.substring(nl + 1);
            int end = t.lastIndexOf("```");
            if (end >= 0) t = t.substring(0, end);
            t = t.strip();
        }
        if (t.isEmpty() || t.equals("null") || t.equals("{}")) return Map.of();
        Object v;
        try {
            v = LENIENT.readValue(dev.dspy4j.adapter.PythonLiterals.toJson(t), Object.class); // None, True, 1_000
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("are not valid JSON (" + e.getOriginalMessage() + "): " + t);
        }
        if (!(v instanceof Map<?, ?> m)) throw new IllegalArgumentException("must be a JSON object, not " + t);
        return Collections.unmodifiableMap((Map<String, Object>) m);
    }

    /** The arguments as one line of JSON for the trajectory; their {@code toString} if that fails. */
    static String describeArgs(Map<String, ?> args) {
        try {
            return ToolArguments.JSON.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            return String.valueOf(args);
        }
    }

    static Object observation(Object result) {
        if (result == null) return "(no output)";
        if (result instanceof CharSequence s) return s.toString();
        if (result instanceof Media) return result;
        if (result instanceof Number || result instanceof Boolean) return result.toString();
        if (result instanceof Enum<?> e) return e.name();
        if (containsMedia(result)) return result; // rendered by the adapter with media parts in place
        try {
            return ToolArguments.JSON.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            return result.toString();
        }
    }

    private static boolean containsMedia(Object v) {
        if (v instanceof Media) return true;
        if (v instanceof java.util.Optional<?> o) return o.isPresent() && containsMedia(o.get());
        if (v instanceof Collection<?> c) return c.stream().anyMatch(ToolResults::containsMedia);
        if (v instanceof Map<?, ?> m) return m.values().stream().anyMatch(ToolResults::containsMedia);
        if (v instanceof Record r) {
            // JSON would write the media as an empty object; the adapter renders it as a part instead
            for (java.lang.reflect.RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    java.lang.reflect.Method accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    if (containsMedia(accessor.invoke(r))) return true;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return false; // unreadable: fall back to JSON text
                }
            }
        }
        return false;
    }
}
