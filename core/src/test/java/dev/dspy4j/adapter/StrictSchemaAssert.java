package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test checks of a generated schema: the rules of OpenAI's strict structured outputs (every object
 * lists all its properties as required and forbids others; every {@code $ref} points into the root's
 * {@code $defs} and stands alone, without keywords such as {@code description} beside it), and validation of JSON instances with a draft 2020-12 validator (networknt).
 */
public final class StrictSchemaAssert {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StrictSchemaAssert() {}

    /** Asserts the strict-mode rules hold everywhere in {@code schema}. */
    public static void assertStrict(Map<String, Object> schema) {
        Object defs = schema.getOrDefault("$defs", Map.of());
        assertThat(defs).isInstanceOf(Map.class);
        walk(schema, (Map<?, ?>) defs, "#");
        assertThat(JsonSchemas.strictCompatible(schema)).as("strictCompatible").isTrue();
    }

    private static void walk(Object node, Map<?, ?> defs, String at) {
        if (node instanceof Map<?, ?> m) {
            if ("object".equals(m.get("type")) && m.containsKey("properties")) {
                Map<?, ?> props = (Map<?, ?>) m.get("properties");
                List<Object> required = new ArrayList<>((List<?>) m.get("required"));
                assertThat(required)
                        .as(at + " required")
                        .containsExactlyElementsOf(new ArrayList<Object>(props.keySet()));
                assertThat(m.get("additionalProperties"))
                        .as(at + " additionalProperties")
                        .isEqualTo(false);
            }
            if (m.containsKey("$ref")) {
                String ref = (String) m.get("$ref");
                assertThat(ref).as(at).startsWith("#/$defs/");
                assertThat(defs.containsKey(ref.substring("#/$defs/".length())))
                        .as(at + " " + ref + " is defined")
                        .isTrue();
                // OpenAI strict mode ("$ref cannot have keywords {'description'}") and Gemini refuse siblings
                assertThat(m.keySet().stream()
                                .filter(k -> !((String) k).startsWith("$"))
                                .toList())
                        .as(at + " keywords beside $ref")
                        .isEmpty();
            }
            for (Map.Entry<?, ?> e : m.entrySet()) walk(e.getValue(), defs, at + "/" + e.getKey());
        } else if (node instanceof Collection<?> c) {
            int i = 0;
            for (Object v : c) walk(v, defs, at + "/" + i++);
        }
    }

    /** The validator's complaints about {@code instanceJson} against {@code schema} (empty if valid). */
    public static Set<ValidationMessage> validate(Map<String, Object> schema, String instanceJson) {
        try {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(JSON.valueToTree(schema))
                    .validate(JSON.readTree(instanceJson));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
