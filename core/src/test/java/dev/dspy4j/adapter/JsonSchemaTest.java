package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.signature.Input;
import dev.dspy4j.signature.Output;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The JSON Schema of outputs and the {@code response_format} the JSON adapter asks for. */
class JsonSchemaTest {

    enum Size {
        S,
        M,
        L
    }

    record Dims(double w, Optional<Double> h) {}

    record Box(Size size, List<Dims> parts, boolean sealed) {}

    record Pack(
            @Input String text,
            @Output Box box,
            @Output List<String> labels,
            @Output Optional<Long> count,
            @Output Size size) {}

    record Node(String name, List<Node> children) {}

    record Tree(@Input String text, @Output Node root) {}

    @Test
    void schemaOfRecordsEnumsListsAndOptionals() {
        String json = ValueFormat.json(JsonAdapter.outputSchema(Signature.of(Pack.class)), "schema");
        assertThat(json)
                .isEqualTo("{\"type\": \"object\", \"properties\": {"
                        + "\"box\": {\"type\": \"object\", \"properties\": {"
                        + "\"size\": {\"type\": \"string\", \"enum\": [\"S\", \"M\", \"L\"]}, "
                        + "\"parts\": {\"type\": \"array\", \"items\": {\"type\": \"object\", \"properties\": {"
                        + "\"w\": {\"type\": \"number\"}, \"h\": {\"anyOf\": [{\"type\": \"number\"}, {\"type\": \"null\"}]}}, "
                        + "\"required\": [\"w\", \"h\"], \"additionalProperties\": false}}, "
                        + "\"sealed\": {\"type\": \"boolean\"}}, "
                        + "\"required\": [\"size\", \"parts\", \"sealed\"], \"additionalProperties\": false}, "
                        + "\"labels\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}, "
                        + "\"count\": {\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"null\"}]}, "
                        + "\"size\": {\"type\": \"string\", \"enum\": [\"S\", \"M\", \"L\"]}}, "
                        + "\"required\": [\"box\", \"labels\", \"count\", \"size\"], \"additionalProperties\": false}");
    }

    @Test
    void stringFormTypesAndLiterals() {
        Signature s = Signature.parse("q -> a: float, ok: bool, tag: Literal['x', 'y'], scores: dict[str, int]");
        assertThat(ValueFormat.json(JsonAdapter.outputSchema(s), "schema"))
                .isEqualTo("{\"type\": \"object\", "
                        + "\"properties\": {\"a\": {\"type\": \"number\"}, \"ok\": {\"type\": \"boolean\"}, "
                        + "\"tag\": {\"type\": \"string\", \"enum\": [\"x\", \"y\"]}, "
                        + "\"scores\": {\"type\": \"object\", \"additionalProperties\": {\"type\": \"integer\"}}}, "
                        + "\"required\": [\"a\", \"ok\", \"tag\", \"scores\"], \"additionalProperties\": false}");
    }

    @Test
    void structuredOutputLmsGetAStrictJsonSchema() {
        Signature s = Signature.of(Pack.class);
        ScriptedLm lm = ScriptedLm.builder().structuredOutputs(true).build();
        Map<String, Object> params = JsonAdapter.create().requestParams(s, lm);
        assertThat(params).containsOnlyKeys("response_format");
        assertThat(params.get("response_format"))
                .isEqualTo(Map.of(
                        "type",
                        "json_schema",
                        "json_schema",
                        Map.of("name", "Pack", "strict", true, "schema", JsonAdapter.outputSchema(s))));
    }

    @Test
    void freeFormMapsTurnStrictOff() {
        Signature s = Signature.parse("q -> scores: dict[str, int]");
        ScriptedLm lm = ScriptedLm.builder().structuredOutputs(true).build();
        @SuppressWarnings("unchecked")
        Map<String, Object> rf =
                (Map<String, Object>) JsonAdapter.create().requestParams(s, lm).get("response_format");
        assertThat(rf.get("json_schema"))
                .isEqualTo(Map.of("name", "StringSignature", "strict", false, "schema", JsonAdapter.outputSchema(s)));
    }

    @Test
    void otherLmsGetAPlainJsonObjectRequest() {
        ScriptedLm lm = ScriptedLm.builder().build();
        assertThat(JsonAdapter.create().requestParams(Signature.of(Pack.class), lm))
                .isEqualTo(Map.of("response_format", Map.of("type", "json_object")));
        assertThat(ChatAdapter.create().requestParams(Signature.of(Pack.class), lm))
                .isEmpty();
        assertThat(XmlAdapter.create().requestParams(Signature.of(Pack.class), lm))
                .isEmpty();
    }

    @Test
    void recursiveRecordsGetAStrictSchemaWithDefs() {
        // before: "record Node refers to itself" and a plain json_object request; OpenAI's strict mode
        // takes recursion through $defs/$ref, so a recursive output now gets a strict schema
        Signature tree = Signature.of(Tree.class);
        String node = "{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\"}, "
                + "\"children\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/Node\"}}}, "
                + "\"required\": [\"name\", \"children\"], \"additionalProperties\": false}";
        assertThat(ValueFormat.json(JsonAdapter.outputSchema(tree), "schema"))
                .isEqualTo("{\"type\": \"object\", "
                        + "\"properties\": {\"root\": {\"$ref\": \"#/$defs/Node\"}}, \"required\": [\"root\"], "
                        + "\"additionalProperties\": false, \"$defs\": {\"Node\": " + node + "}}");
        assertThat(JsonAdapter.create()
                        .requestParams(
                                tree,
                                ScriptedLm.builder().structuredOutputs(true).build()))
                .isEqualTo(Map.of(
                        "response_format",
                        Map.of(
                                "type",
                                "json_schema",
                                "json_schema",
                                Map.of("name", "Tree", "strict", true, "schema", JsonAdapter.outputSchema(tree)))));
        String system = ChatAdapter.create()
                .format(tree, List.of(), Map.of("text", "t"))
                .messages()
                .get(0)
                .text();
        assertThat(system)
                .contains("{root} -- JSON matching the schema {\"$ref\": \"#/$defs/Node\", \"$defs\": {\"Node\": "
                        + node + "}}\n");
    }
}
