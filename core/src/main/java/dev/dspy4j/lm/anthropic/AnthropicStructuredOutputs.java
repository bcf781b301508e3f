package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.http.SchemaCycles;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What becomes of a request's OpenAI-shaped {@code response_format} on the Messages API: which Claude
 * models have structured outputs, the {@code output_config} a request gets, and why a format is not
 * sent (the Messages API has no JSON mode; a model without structured outputs; a recursive schema).
 */
final class AnthropicStructuredOutputs {
    private AnthropicStructuredOutputs() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern CLAUDE_VERSION =
            Pattern.compile("claude-(?:opus|sonnet|haiku)-(\\d+)(?:-(\\d{1,2}))?(?![0-9])");

    /** True for a Claude model name of version 4.5 or later (a date suffix is not a minor version). */
    static boolean supportedBy(String model) {
        Matcher m = CLAUDE_VERSION.matcher(model.toLowerCase(java.util.Locale.ROOT));
        if (!m.find()) return false;
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return major > 4 || (major == 4 && minor >= 5);
    }

    /**
     * Why the request's {@code response_format} is not sent, for the warning the client logs once; null
     * when it has none or it becomes {@code output_config.format}.
     *
     * @param structuredOutputs whether the client's model has structured outputs
     */
    static String unsentReason(Map<String, Object> params, boolean structuredOutputs) {
        if (params.get("response_format") == null) return null;
        JsonNode schema = jsonSchema(params);
        if (schema == null) return "the Messages API has no JSON mode";
        if (!structuredOutputs) return "the model has no structured outputs";
        if (SchemaCycles.recursive(schema)) {
            return "the schema is recursive, which Anthropic's structured outputs do not take";
        }
        return null;
    }

    /**
     * {@code output_config} from the request's own {@code output_config} and, where structured outputs
     * are on, a JSON-schema {@code response_format} as its {@code format}
     * ({@code {"type":"json_schema","schema":...}}); null when there is neither. A recursive schema
     * (a {@code $defs} entry that reaches itself) is not sent: Anthropic's structured outputs list
     * recursive schemas as unsupported, so the prompt's own instructions ask for the format instead.
     */
    static ObjectNode outputConfig(Map<String, Object> params, boolean structuredOutputs) {
        Object given = params.get("output_config");
        ObjectNode config = null;
        if (given != null) {
            JsonNode n = JSON.valueToTree(given);
            if (!n.isObject())
                throw new IllegalArgumentException("parameter output_config must be a JSON object, not " + n);
            config = ((ObjectNode) n).deepCopy();
        }
        JsonNode schema = jsonSchema(params);
        if (structuredOutputs && schema != null && !SchemaCycles.recursive(schema)) {
            if (config == null) config = JSON.createObjectNode();
            ObjectNode format = config.putObject("format");
            format.put("type", "json_schema");
            format.set("schema", schema);
        }
        return config;
    }

    /** The schema of a {@code {"type":"json_schema","json_schema":{"schema":...}}} response format, or null. */
    static JsonNode jsonSchema(Map<String, Object> params) {
        Object rf = params.get("response_format");
        if (rf == null) return null;
        JsonNode n = JSON.valueToTree(rf);
        if (!"json_schema".equals(n.path("type").asText())) return null;
        JsonNode schema = n.path("json_schema").path("schema");
        return schema.isObject() ? schema : null;
    }
}
