package dev.dspy4j.module;

import static dev.dspy4j.adapter.StrictSchemaAssert.assertStrict;
import static dev.dspy4j.adapter.StrictSchemaAssert.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.adapter.JsonSchemas;
import dev.dspy4j.signature.FieldType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Tool argument schemas come from the same generator as output schemas: recursive argument records
 * (which overflowed the stack in {@code Tool.of} before) get {@code $defs}/{@code $ref}, and record
 * component descriptions appear in both uses.
 */
class ToolSchemaRecursionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Node(String name, List<Node> children) {}

    record Dept(String name, List<Emp> staff) {}

    record Emp(String name, Optional<Dept> heads) {}

    record Place(@JsonPropertyDescription("city name") String city, long zip) {}

    record Tree<T>(List<Tree<T>> kids, T value) {}

    record Sum(@ToolDoc("the tree to add up") Tree<Long> tree) {}

    static final class Elsewhere {
        record Node(Optional<Node> next) {}
    }

    static final class Org {
        @ToolDoc("Names the head of a person's department.")
        public String head(Dept dept, @ToolDoc("who") Emp emp) {
            return emp.name() + ":" + emp.heads().map(Dept::name).orElse("none") + ":"
                    + dept.staff().size();
        }

        @ToolDoc("Visits a place.")
        public String visit(Place place) {
            return place.city() + " " + place.zip();
        }

        public int clash(Node a, Elsewhere.Node b) {
            return 0;
        }
    }

    private static final String NODE = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
            + "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/Node\"}}},"
            + "\"required\":[\"name\",\"children\"],\"additionalProperties\":false}";

    private static int count(Node n) {
        return 1
                + n.children().stream().mapToInt(ToolSchemaRecursionTest::count).sum();
    }

    @Test
    void aRecursiveArgumentRecordGetsDefsAndItsValuesConvert() throws Exception {
        Tool t = Tool.of("count_nodes", "Counts the nodes of a tree.", Node.class, ToolSchemaRecursionTest::count);
        // the argument record's components are the arguments; children refer to the record's definition
        assertThat(t.argsSchemaJson())
                .isEqualTo(NODE.substring(0, NODE.length() - 1) + ",\"$defs\":{\"Node\":" + NODE + "}}");
        assertStrict(t.argsSchema());
        String args = "{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[{\"name\":\"c\",\"children\":[]}]},"
                + "{\"name\":\"d\",\"children\":[]}]}";
        assertThat(validate(t.argsSchema(), args)).isEmpty();
        assertThat(t.invokeJson(args)).isEqualTo(4);
    }

    @Test
    void mutuallyRecursiveParametersShareOneDefsAtTheArgumentsRoot() throws Exception {
        Tool t = Tool.fromMethod(new Org(), "head");
        String dept =
                "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"staff\":{\"type\":\"array\","
                        + "\"items\":{\"$ref\":\"#/$defs/Emp\"}}},\"required\":[\"name\",\"staff\"],\"additionalProperties\":false}";
        String emp = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"heads\":{\"anyOf\":"
                + "[{\"$ref\":\"#/$defs/Dept\"},{\"type\":\"null\"}]}},\"required\":[\"name\",\"heads\"],"
                + "\"additionalProperties\":false}";
        assertThat(t.argsSchemaJson())
                .isEqualTo("{\"type\":\"object\",\"properties\":{"
                        // a described $ref is Emp's definition written in place (no keyword may sit beside a $ref)
                        + "\"dept\":{\"$ref\":\"#/$defs/Dept\"},\"emp\":" + emp.substring(0, emp.length() - 1)
                        + ",\"description\":\"who\"}},"
                        + "\"required\":[\"dept\",\"emp\"],\"additionalProperties\":false,"
                        + "\"$defs\":{\"Dept\":" + dept + ",\"Emp\":" + emp + "}}");
        assertStrict(t.argsSchema());
        String args = "{\"dept\":{\"name\":\"lab\",\"staff\":[{\"name\":\"bo\",\"heads\":null}]},"
                + "\"emp\":{\"name\":\"ann\",\"heads\":{\"name\":\"lab\",\"staff\":[]}}}";
        assertThat(validate(t.argsSchema(), args)).isEmpty();
        assertThat(t.invokeJson(args)).isEqualTo("ann:lab:1");
        // an Optional component inside a record is a value or null (strict mode), and null converts to empty
        assertThat(t.invokeJson("{\"dept\":{\"name\":\"lab\",\"staff\":[]},\"emp\":{\"name\":\"ann\",\"heads\":null}}"))
                .isEqualTo("ann:none:0");
    }

    @Test
    void componentDescriptionsAppearInToolAndOutputSchemasAlike() throws Exception {
        Map<String, Object> output = JsonSchemas.of(new FieldType.RecordOf(Place.class));
        String place =
                "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"description\":\"city name\"},"
                        + "\"zip\":{\"type\":\"integer\"}},\"required\":[\"city\",\"zip\"],\"additionalProperties\":false}";
        assertThat(JSON.writeValueAsString(output)).isEqualTo(place);

        Tool visit = Tool.fromMethod(new Org(), "visit");
        assertThat(visit.params().get(0).schema()).isEqualTo(output);
        assertThat(visit.argsSchemaJson())
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"place\":" + place + "},"
                        + "\"required\":[\"place\"],\"additionalProperties\":false}");

        // as the arguments record of Tool.of, its components' descriptions describe the arguments
        Tool byRecord = Tool.of("visit", "Visits a place.", Place.class, p -> p.city());
        assertThat(byRecord.argsSchemaJson()).isEqualTo(place);
    }

    @Test
    void twoRecursiveRecordsWithOneNameAreRefusedByName() {
        assertThatThrownBy(() -> Tool.fromMethod(new Org(), "clash"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two different records are both named Node");
    }

    @Test
    void aRecursiveGenericArgumentRecordNeitherOverflowsNorLosesItsTypeArgument() throws Exception {
        // Tree<Long> used to overflow the stack in Tool.of, as Node did before (recursion through a type argument)
        Tool t = Tool.of("sum", "Adds up a tree.", Sum.class, a -> add(a.tree()));
        String tree = "{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\",\"items\":"
                + "{\"$ref\":\"#/$defs/Tree_Long\"}},\"value\":{\"type\":\"integer\"}},\"required\":[\"kids\",\"value\"],"
                + "\"additionalProperties\":false}";
        assertThat(t.argsSchemaJson())
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"tree\":"
                        + tree.substring(0, tree.length() - 1)
                        + ",\"description\":\"the tree to add up\"}},\"required\":[\"tree\"],"
                        + "\"additionalProperties\":false,\"$defs\":{\"Tree_Long\":" + tree + "}}");
        assertStrict(t.argsSchema());
        String args = "{\"tree\":{\"value\":1,\"kids\":[{\"value\":2,\"kids\":[]},{\"value\":3,\"kids\":[]}]}}";
        assertThat(validate(t.argsSchema(), args)).isEmpty();
        assertThat(t.invokeJson(args)).isEqualTo(6L);
    }

    private static long add(Tree<Long> t) {
        long s = t.value();
        for (Tree<Long> k : t.kids()) s += add(k);
        return s;
    }
}
