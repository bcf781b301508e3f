package dev.dspy4j.lm.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.http.SchemaCycles;
import java.io.IOException;
import java.util.Map;

/**
 * Native tools in Gemini's shape, translated from the OpenAI shape the library's modules write
 * (so the cache key stays provider-neutral): {@code {"type":"function","function":{"name",
 * "description","parameters"}}} becomes one of {@code {"functionDeclarations":[{"name","description",
 * "parametersJsonSchema"}]}} (a recursive schema with its cycles made optional: see {@link SchemaCycles});
 * a tool already in Gemini's shape (e.g. {@code {"googleSearch":{}}}) is
 * sent as given. {@code tool_choice} {@code auto}, {@code none}, {@code required} and
 * {@code {"type":"function","function":{"name":N}}} become {@code toolConfig.functionCallingConfig}
 * with mode {@code AUTO}, {@code NONE}, {@code ANY}, or {@code ANY} and {@code allowedFunctionNames [N]}.
 */
final class GeminiTools {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeminiTools() {}

    static void write(JsonGenerator g, Map<String, Object> params) throws IOException {
        Object tools = params.get("tools");
        if (tools != null) {
            JsonNode list = JSON.valueToTree(tools);
            if (!list.isArray()) throw new IllegalArgumentException("parameter tools must be a list, not " + list);
            ArrayNode declarations = JSON.createArrayNode();
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode t : list) {
                if ("function".equals(t.path("type").asText())
                        && t.path("function").isObject()) {
                    JsonNode fn = t.path("function");
                    if (!fn.path("name").isTextual())
                        throw new IllegalArgumentException("a function tool has no name: " + t);
                    ObjectNode d = declarations.addObject();
                    d.set("name", fn.get("name"));
                    if (fn.has("description")) d.set("description", fn.get("description"));
                    if (fn.has("parameters"))
                        d.set("parametersJsonSchema", SchemaCycles.cyclesOptional(fn.get("parameters")));
                } else {
                    out.add(t);
                }
            }
            if (!declarations.isEmpty()) out.insertObject(0).set("functionDeclarations", declarations);
            g.writeFieldName("tools");
            g.writeTree(out);
        }
        Object choice = params.get("tool_choice");
        if (choice != null && !params.containsKey("toolConfig")) {
            JsonNode c = JSON.valueToTree(choice);
            ObjectNode config = JSON.createObjectNode();
            ObjectNode fcc = config.putObject("functionCallingConfig");
            if (c.isTextual()) {
                switch (c.asText()) {
                    case "auto" -> fcc.put("mode", "AUTO");
                    case "none" -> fcc.put("mode", "NONE");
                    case "required" -> fcc.put("mode", "ANY");
                    default ->
                        throw new IllegalArgumentException(
                                "parameter tool_choice is '" + c.asText()
                                        + "'; accepted: auto, none, required or {\"type\":\"function\",\"function\":{\"name\":...}}");
                }
            } else if (c.path("function").path("name").isTextual()) {
                fcc.put("mode", "ANY");
                fcc.putArray("allowedFunctionNames")
                        .add(c.path("function").path("name").asText());
            } else {
                throw new IllegalArgumentException("parameter tool_choice is " + c
                        + "; accepted: auto, none, required or {\"type\":\"function\",\"function\":{\"name\":...}}");
            }
            g.writeFieldName("toolConfig");
            g.writeTree(config);
        }
    }
}
