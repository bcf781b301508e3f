package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.StrictSchemaAssert.assertStrict;
import static dev.dspy4j.adapter.StrictSchemaAssert.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.media.Image;
import dev.dspy4j.signature.FieldType;
import dev.dspy4j.signature.Input;
import dev.dspy4j.signature.Output;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The generator's recursion through {@code $defs}/{@code $ref} (self, mutual, through maps,
 * optionals and arrays), records used twice without recursion, and component descriptions.
 */
class JsonSchemaRecursionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Node(String name, List<Node> children) {}

    record Dept(String name, List<Emp> staff) {}

    record Emp(String name, Optional<Dept> heads) {}

    record Dir(Map<String, Dir> entries) {}

    record Chain(String value, Optional<Chain> next) {}

    @SuppressWarnings("ArrayRecordComponent") // the array component is the case under test (recursion through an array)
    record Cell(long value, Cell[] cells) {}

    record Point(long x, long y) {}

    record Segment(Point from, Point to) {}

    record Place(
            @JsonPropertyDescription("city name") String city,
            @JsonPropertyDescription("where it is") Point at,
            long zip) {}

    record Org(
            @Input String q,
            @Output Dept dept,
            @Output Emp lead,
            @Output Segment road) {}

    static final class Elsewhere {
        record Node(Optional<Node> next) {}
    }

    record Clash(Node a, Elsewhere.Node b) {}

    record Photo(String caption, Image image) {}

    private static final String POINT = "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"},"
            + "\"y\":{\"type\":\"integer\"}},\"required\":[\"x\",\"y\"],\"additionalProperties\":false}";
    private static final String DEPT = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
            + "\"staff\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/Emp\"}}},"
            + "\"required\":[\"name\",\"staff\"],\"additionalProperties\":false}";
    private static final String EMP = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
            + "\"heads\":{\"anyOf\":[{\"$ref\":\"#/$defs/Dept\"},{\"type\":\"null\"}]}},"
            + "\"required\":[\"name\",\"heads\"],\"additionalProperties\":false}";

    private static String json(Object schema) throws Exception {
        return JSON.writeValueAsString(schema);
    }

    private static Map<String, Object> schema(Class<? extends Record> type) {
        Map<String, Object> s = JsonSchemas.of(new FieldType.RecordOf(type));
        // the same generator serves Java types (tool arguments): the same schema
        assertThat(JsonSchemas.of(type, JsonSchemas.JACKSON_DESCRIPTIONS)).isEqualTo(s);
        return s;
    }

    @Test
    void aSelfRecursiveRecordIsDefinedOnceAndReferredTo() throws Exception {
        Map<String, Object> s = schema(Node.class);
        assertThat(json(s))
                .isEqualTo(
                        "{\"$ref\":\"#/$defs/Node\",\"$defs\":{\"Node\":{\"type\":\"object\","
                                + "\"properties\":{\"name\":{\"type\":\"string\"},\"children\":{\"type\":\"array\","
                                + "\"items\":{\"$ref\":\"#/$defs/Node\"}}},\"required\":[\"name\",\"children\"],\"additionalProperties\":false}}}");
        assertStrict(s);
        assertThat(
                        validate(
                                s,
                                "{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[{\"name\":\"c\",\"children\":[]}]}]}"))
                .isEmpty();
        // the $ref is followed at depth: a grandchild without children is refused
        assertThat(validate(s, "{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[{\"name\":\"c\"}]}]}"))
                .isNotEmpty();
    }

    @Test
    void mutuallyRecursiveRecordsAreBothDefined() throws Exception {
        Map<String, Object> s = schema(Dept.class);
        assertThat(json(s))
                .isEqualTo("{\"$ref\":\"#/$defs/Dept\",\"$defs\":{\"Dept\":" + DEPT + ",\"Emp\":" + EMP + "}}");
        assertStrict(s);
        assertThat(validate(
                        s,
                        "{\"name\":\"r&d\",\"staff\":[{\"name\":\"ann\",\"heads\":{\"name\":\"lab\",\"staff\":[]}},"
                                + "{\"name\":\"bo\",\"heads\":null}]}"))
                .isEmpty();
        assertThat(validate(s, "{\"name\":\"r&d\",\"staff\":[{\"name\":\"ann\",\"heads\":{\"name\":\"lab\"}}]}"))
                .isNotEmpty();

        // a definition does not depend on where the record was first met: Emp's schema defines the same two
        Map<String, Object> e = schema(Emp.class);
        assertThat(json(e))
                .isEqualTo("{\"$ref\":\"#/$defs/Emp\",\"$defs\":{\"Emp\":" + EMP + ",\"Dept\":" + DEPT + "}}");
    }

    @Test
    void outputsShareOneDefsAtTheRootAndNonRecursiveRecordsStayInline() throws Exception {
        Map<String, Object> s = JsonSchemas.outputs(Signature.of(Org.class));
        assertThat(json(s))
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"dept\":{\"$ref\":\"#/$defs/Dept\"},"
                        + "\"lead\":{\"$ref\":\"#/$defs/Emp\"},\"road\":{\"type\":\"object\",\"properties\":{\"from\":"
                        + POINT
                        + ",\"to\":" + POINT + "},\"required\":[\"from\",\"to\"],\"additionalProperties\":false}},"
                        + "\"required\":[\"dept\",\"lead\",\"road\"],\"additionalProperties\":false,"
                        + "\"$defs\":{\"Dept\":" + DEPT + ",\"Emp\":" + EMP + "}}");
        assertStrict(s);
        assertThat(validate(
                        s,
                        "{\"dept\":{\"name\":\"d\",\"staff\":[]},\"lead\":{\"name\":\"l\",\"heads\":null},"
                                + "\"road\":{\"from\":{\"x\":1,\"y\":2},\"to\":{\"x\":3,\"y\":4}}}"))
                .isEmpty();
    }

    @Test
    void recursionThroughMapsOptionalsAndArrays() throws Exception {
        Map<String, Object> dir = schema(Dir.class);
        assertThat(json(dir))
                .isEqualTo("{\"$ref\":\"#/$defs/Dir\",\"$defs\":{\"Dir\":{\"type\":\"object\",\"properties\":"
                        + "{\"entries\":{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#/$defs/Dir\"}}},"
                        + "\"required\":[\"entries\"],\"additionalProperties\":false}}}");
        assertThat(JsonSchemas.strictCompatible(dir)).isFalse(); // a free-form map, as before
        assertThat(validate(dir, "{\"entries\":{\"src\":{\"entries\":{}}}}")).isEmpty();
        assertThat(validate(dir, "{\"entries\":{\"src\":{}}}")).isNotEmpty();

        Map<String, Object> chain = schema(Chain.class);
        assertThat(json(chain))
                .isEqualTo("{\"$ref\":\"#/$defs/Chain\",\"$defs\":{\"Chain\":{\"type\":\"object\","
                        + "\"properties\":{\"value\":{\"type\":\"string\"},\"next\":{\"anyOf\":[{\"$ref\":\"#/$defs/Chain\"},"
                        + "{\"type\":\"null\"}]}},\"required\":[\"value\",\"next\"],\"additionalProperties\":false}}}");
        assertStrict(chain);
        assertThat(validate(chain, "{\"value\":\"a\",\"next\":{\"value\":\"b\",\"next\":null}}"))
                .isEmpty();

        Map<String, Object> cell = schema(Cell.class);
        assertThat(json(cell))
                .isEqualTo(
                        "{\"$ref\":\"#/$defs/Cell\",\"$defs\":{\"Cell\":{\"type\":\"object\","
                                + "\"properties\":{\"value\":{\"type\":\"integer\"},\"cells\":{\"type\":\"array\",\"items\":"
                                + "{\"$ref\":\"#/$defs/Cell\"}}},\"required\":[\"value\",\"cells\"],\"additionalProperties\":false}}}");
        assertStrict(cell);
    }

    @Test
    void aRecordUsedTwiceWithoutRecursionIsInlinedTwice() throws Exception {
        Map<String, Object> s = schema(Segment.class);
        assertThat(json(s))
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"from\":" + POINT + ",\"to\":" + POINT
                        + "},\"required\":[\"from\",\"to\"],\"additionalProperties\":false}");
        assertStrict(s);
    }

    @Test
    void componentDescriptionsComeFromJsonPropertyDescription() throws Exception {
        Map<String, Object> s = schema(Place.class);
        assertThat(json(s))
                .isEqualTo(
                        "{\"type\":\"object\",\"properties\":{"
                                + "\"city\":{\"type\":\"string\",\"description\":\"city name\"},"
                                + "\"at\":" + POINT.substring(0, POINT.length() - 1)
                                + ",\"description\":\"where it is\"},"
                                + "\"zip\":{\"type\":\"integer\"}},\"required\":[\"city\",\"at\",\"zip\"],\"additionalProperties\":false}");
        assertStrict(s);
    }

    @Test
    void twoRecursiveRecordsWithOneNameAndMediaAreRefusedByName() {
        assertThatThrownBy(() -> schema(Clash.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two different records are both named Node")
                .hasMessageContaining(Elsewhere.Node.class.getName());
        assertThatThrownBy(() -> schema(Photo.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Photo.image: Image cannot be a JSON value: the LM writes only JSON (strings, numbers, "
                        + "booleans, lists, objects), not media or history");
    }
}
