package dev.dspy4j.adapter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks for the outputs as one JSON object whose keys are the output names. Inputs are marked as
 * in {@link ChatAdapter}. For an LM that {@linkplain LanguageModel#supportsStructuredOutputs()
 * supports structured outputs}, {@link #requestParams} sends a {@code response_format} carrying a
 * JSON Schema of the outputs; otherwise it asks for {@code {"type": "json_object"}}.
 *
 * <p>Parsing accepts the object wrapped in a code fence or surrounded by prose, and written in
 * Python's style ({@code {'ok': True, 'n': 1_000, 'note': None}}; see {@link PythonLiterals}); each
 * value is converted to its field's Java type.
 */
public final class JsonAdapter extends FieldAdapter {
    private static final JsonAdapter INSTANCE = new JsonAdapter();

    private JsonAdapter() {}

    /** {@return the JSON adapter (one shared instance)} */
    public static JsonAdapter create() {
        return INSTANCE;
    }

    @Override
    String name() {
        return "JsonAdapter";
    }

    @Override
    String inputOpen(Field f) {
        return ChatAdapter.marker(f.name()) + "\n";
    }

    @Override
    String inputClose(Field f) {
        return "";
    }

    @Override
    String structureIntro() {
        return "Each exchange follows this layout: the inputs arrive under their markers, and you reply with "
                + "one JSON object that holds every output, in this order.";
    }

    @Override
    String outputStructure(List<Field> outputs) {
        StringBuilder sb = new StringBuilder("{\n");
        for (int i = 0; i < outputs.size(); i++) {
            Field f = outputs.get(i);
            String note = note(f.type(), "a value");
            if (note == null) note = "a string";
            sb.append("  ")
                    .append(ValueFormat.json(f.name(), f.name()))
                    .append(": <")
                    .append(note)
                    .append('>');
            sb.append(i + 1 < outputs.size() ? ",\n" : "\n");
        }
        return sb.append('}').toString();
    }

    @Override
    String answer(List<Field> outputs, Map<String, ?> values, boolean all) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Field f : outputs) {
            Object v = values.get(f.name());
            if (!all && ValueFormat.absent(v)) continue;
            sb.append(first ? "\n  " : ",\n  ");
            first = false;
            Object shown = ValueFormat.absent(v) ? ValueFormat.NOT_GIVEN : v;
            sb.append(ValueFormat.json(f.name(), f.name())).append(": ").append(ValueFormat.json(shown, f.name()));
        }
        return sb.append(first ? "}" : "\n}").toString();
    }

    @Override
    String reminder(List<Field> outputs) {
        return "Answer with one JSON object holding " + inOrder(outputs, f -> "`" + f.name() + "`") + ".";
    }

    /**
     * A {@code response_format}: a strict JSON Schema of the outputs if {@code lm} supports structured
     * outputs (strict is dropped when an output is a free-form map), else (or when an output has no
     * JSON Schema) a plain JSON object request.
     */
    @Override
    public Map<String, Object> requestParams(Signature signature, LanguageModel lm) {
        Map<String, Object> schema = null;
        if (lm.supportsStructuredOutputs()) {
            try {
                schema = JsonSchemas.outputs(signature);
            } catch (IllegalArgumentException e) {
                schema = null; // an output type with no JSON form (JsonSchemas names it): ask for any JSON object
            }
        }
        if (schema == null) {
            return Map.of("response_format", Map.of("type", "json_object"));
        }
        Map<String, Object> js = new LinkedHashMap<>();
        js.put("name", schemaName(signature));
        js.put("strict", JsonSchemas.strictCompatible(schema));
        js.put("schema", schema);
        Map<String, Object> rf = new LinkedHashMap<>();
        rf.put("type", "json_schema");
        rf.put("json_schema", java.util.Collections.unmodifiableMap(js));
        return Map.of("response_format", java.util.Collections.unmodifiableMap(rf));
    }

    /**
     * The JSON Schema of an object holding every output of {@code signature}, as sent in
     * {@code response_format} (see {@link JsonSchemas#outputs}).
     *
     * @param signature the task
     * @return the schema as unmodifiable JSON-like maps, properties in output order
     * @throws IllegalArgumentException if an output's type has no JSON Schema (media, history)
     */
    public static Map<String, Object> outputSchema(Signature signature) {
        return JsonSchemas.outputs(signature);
    }

    private static String schemaName(Signature signature) {
        String n = signature.name().replaceAll("[^A-Za-z0-9_-]", "_");
        if (n.isEmpty()) n = "outputs";
        return n.length() > 64 ? n.substring(0, 64) : n;
    }

    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
        JsonNode root = object(signature, completion);
        return collect(signature, completion, f -> {
            JsonNode node = root.get(f.name());
            return node == null ? MISSING : ValueParser.parseNode(f, node);
        });
    }

    private JsonNode object(Signature signature, String completion) {
        String body = ValueParser.unfence(completion);
        if (!body.startsWith("{")) {
            int a = body.indexOf('{');
            int z = body.lastIndexOf('}');
            if (a >= 0 && z > a) body = body.substring(a, z + 1);
        }
        String problem;
        try {
            JsonNode root = ValueParser.readJson(body);
            if (root != null && root.isObject()) return root;
            problem = "the completion is not a JSON object";
        } catch (JsonProcessingException e) {
            problem = "the completion is not a JSON object (" + e.getOriginalMessage() + ")";
            JsonNode first = firstObject(ValueParser.unfence(completion));
            if (first != null) return first;
        }
        List<String> missing = signature.outputs().stream()
                .filter(f -> !f.optional())
                .map(Field::name)
                .toList();
        throw new AdapterParseException(name(), signature, completion, problem, missing, Map.of());
    }

    /** Reads a JSON object from a completion where it is followed by prose; see {@link #firstObject}. */
    private static final com.fasterxml.jackson.databind.ObjectReader PREFIX_READER = ValueParser.MAPPER
            .reader()
            .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The JSON object that starts at the first '{' of {@code text}, ignoring what follows it (prose
     * after the object, possibly with braces of its own), or null if there is none. Only the first
     * brace is tried: a later one may open an object nested in a truncated outer one.
     */
    private static JsonNode firstObject(String text) {
        int a = text.indexOf('{');
        if (a < 0) return null;
        try {
            JsonNode n = PREFIX_READER.readTree(PythonLiterals.toJson(text.substring(a)));
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "JsonAdapter";
    }
}
