package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * Native tools in the Messages API's shape. Requests carry tools as the library's modules write
 * them, in OpenAI's shape; this translates them while the body is written, so the cache key stays
 * provider-neutral.
 *
 * <ul>
 *   <li>{@code tools}: {@code {"type":"function","function":{"name","description","parameters"}}}
 *       becomes {@code {"name","description","input_schema"}} (an empty object schema when there are no
 *       parameters); a tool already in Anthropic's shape, or a server tool, is sent as given.</li>
 *   <li>{@code tool_choice}: {@code "auto"}, {@code "none"}, {@code "required"} become
 *       {@code {"type":"auto"}}, {@code {"type":"none"}}, {@code {"type":"any"}};
 *       {@code {"type":"function","function":{"name":N}}} becomes {@code {"type":"tool","name":N}};
 *       an Anthropic-shaped object is sent as given.</li>
 *   <li>{@code parallel_tool_calls: false} becomes {@code "disable_parallel_tool_use": true} on the
 *       tool choice ({@code auto} if none was given).</li>
 * </ul>
 */
final class AnthropicTools {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnthropicTools() {}

    static void write(JsonGenerator g, Map<String, Object> params) throws IOException {
        Object tools = params.get("tools");
        if (tools != null) {
            JsonNode list = JSON.valueToTree(tools);
            if (!list.isArray()) throw new IllegalArgumentException("parameter tools must be a list, not " + list);
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode t : list) out.add(tool(t));
            g.writeFieldName("tools");
            g.writeTree(out);
        }
        ObjectNode choice = toolChoice(params.get("tool_choice"));
        Object parallel = params.get("parallel_tool_calls");
        if (Boolean.FALSE.equals(parallel) || (parallel instanceof JsonNode n && n.isBoolean() && !n.booleanValue())) {
            if (choice == null) choice = JSON.createObjectNode().put("type", "auto");
            if (!"none".equals(choice.path("type").asText())) choice.put("disable_parallel_tool_use", true);
        }
        if (choice != null) {
            g.writeFieldName("tool_choice");
            g.writeTree(choice);
        }
    }

    /** One tool in Anthropic's shape. */
    static JsonNode tool(JsonNode t) {
        if (!"function".equals(t.path("type").asText()) || !t.path("function").isObject()) return t;
        JsonNode fn = t.path("function");
        if (!fn.path("name").isTextual()) {
            throw new IllegalArgumentException("a function tool has no name: " + t);
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("name", fn.path("name").asText());
        if (fn.path("description").isTextual())
            out.put("description", fn.path("description").asText());
        JsonNode schema = fn.path("parameters");
        if (schema.isObject()) {
            out.set("input_schema", schema);
        } else {
            out.putObject("input_schema").put("type", "object").putObject("properties");
        }
        return out;
    }

    /** The tool choice in Anthropic's shape, or null if none was given. */
    static ObjectNode toolChoice(Object given) {
        if (given == null) return null;
        JsonNode c = JSON.valueToTree(given);
        if (c.isTextual()) {
            switch (c.asText()) {
                case "auto":
                    return JSON.createObjectNode().put("type", "auto");
                case "none":
                    return JSON.createObjectNode().put("type", "none");
                case "required":
                case "any":
                    return JSON.createObjectNode().put("type", "any");
                default:
                    throw new IllegalArgumentException("tool_choice '" + c.asText() + "' is not one of auto, none,"
                            + " required, or an object naming a function");
            }
        }
        if (!c.isObject()) throw new IllegalArgumentException("tool_choice must be a string or an object, not " + c);
        if ("function".equals(c.path("type").asText())
                && c.path("function").path("name").isTextual()) {
            return JSON.createObjectNode()
                    .put("type", "tool")
                    .put("name", c.path("function").path("name").asText());
        }
        return ((ObjectNode) c).deepCopy();
    }
}
