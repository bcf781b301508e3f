package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.StrictSchemaAssert.assertStrict;
import static dev.dspy4j.adapter.StrictSchemaAssert.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.signature.Input;
import dev.dspy4j.signature.Output;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Review of the one generator: generic records (their type arguments are bound where they are used,
 * recursion through them is found), and descriptions of components whose schema is a {@code $ref}
 * (OpenAI strict mode and Gemini refuse keywords beside a {@code $ref}).
 */
class JsonSchemaGenericsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Node(String name, List<Node> children) {}

    record Page<T>(List<T> items, String next) {}

    record Item(String sku) {}

    record Catalog(Page<Item> first) {}

    /** Recursive through its own type argument: used to overflow the stack. */
    record Tree<T>(List<Tree<T>> kids, T value) {}

    record Forest(Tree<String> names, Tree<Long> sizes) {}

    record Pair<L, R>(L left, R right) {}

    record Paired(Pair<String, Node> pair) {}

    /** Each level's type argument is larger than the last: no finite set of definitions describes it. */
    record Nest<X>(X value, Optional<Nest<List<X>>> deeper) {}

    record Nested(Nest<String> nest) {}

    record RawPage(@SuppressWarnings("rawtypes") Page page) {}

    record Described(
            @JsonPropertyDescription("the root") Node root,
            @JsonPropertyDescription("its parent") Optional<Node> parent) {}

    record Dept(String name, List<Emp> staff) {}

    record Emp(
            String name,
            @JsonPropertyDescription("where they work") Dept dept) {}

    record Out(
            @Input String q,

            @Output @JsonPropertyDescription("not a component description")
            Node tree,

            @Output Described described) {}

    private static String json(Object schema) throws Exception {
        return JSON.writeValueAsString(schema);
    }

    private static final String NODE = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
            + "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/Node\"}}},"
            + "\"required\":[\"name\",\"children\"],\"additionalProperties\":false}";

    @Test
    void aGenericRecordGetsTheTypeArgumentsItIsUsedWith() throws Exception {
        Map<String, Object> s = JsonSchemas.of(Catalog.class, JsonSchemas.JACKSON_DESCRIPTIONS);
        assertThat(json(s))
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"first\":{\"type\":\"object\",\"properties\":"
                        + "{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"}},"
                        + "\"required\":[\"sku\"],\"additionalProperties\":false}},\"next\":{\"type\":\"string\"}},"
                        + "\"required\":[\"items\",\"next\"],\"additionalProperties\":false}},\"required\":[\"first\"],"
                        + "\"additionalProperties\":false}");
        assertStrict(s);

        Map<String, Object> p = JsonSchemas.of(Paired.class, JsonSchemas.JACKSON_DESCRIPTIONS);
        assertThat(json(p))
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"pair\":{\"type\":\"object\",\"properties\":"
                        + "{\"left\":{\"type\":\"string\"},\"right\":{\"$ref\":\"#/$defs/Node\"}},\"required\":[\"left\",\"right\"],"
                        + "\"additionalProperties\":false}},\"required\":[\"pair\"],\"additionalProperties\":false,"
                        + "\"$defs\":{\"Node\":" + NODE + "}}");
        assertStrict(p);
    }

    @Test
    void recursionThroughAGenericRecordIsDefinedOncePerTypeArgument() throws Exception {
        Map<String, Object> s = JsonSchemas.of(Forest.class, JsonSchemas.JACKSON_DESCRIPTIONS);
        assertThat(json(s))
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"names\":{\"$ref\":\"#/$defs/Tree_String\"},"
                        + "\"sizes\":{\"$ref\":\"#/$defs/Tree_Long\"}},\"required\":[\"names\",\"sizes\"],\"additionalProperties\":false,"
                        + "\"$defs\":{\"Tree_String\":{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\",\"items\":"
                        + "{\"$ref\":\"#/$defs/Tree_String\"}},\"value\":{\"type\":\"string\"}},\"required\":[\"kids\",\"value\"],"
                        + "\"additionalProperties\":false},\"Tree_Long\":{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\","
                        + "\"items\":{\"$ref\":\"#/$defs/Tree_Long\"}},\"value\":{\"type\":\"integer\"}},\"required\":[\"kids\",\"value\"],"
                        + "\"additionalProperties\":false}}}");
        assertStrict(s);
        assertThat(validate(
                        s,
                        "{\"names\":{\"kids\":[{\"kids\":[],\"value\":\"b\"}],\"value\":\"a\"},"
                                + "\"sizes\":{\"kids\":[],\"value\":3}}"))
                .isEmpty();
        assertThat(validate(
                        s,
                        "{\"names\":{\"kids\":[],\"value\":\"a\"},\"sizes\":{\"kids\":[{\"kids\":[],\"value\":\"x\"}],"
                                + "\"value\":3}}"))
                .isNotEmpty();
    }

    @Test
    void aGenericRecordWithoutTypeArgumentsIsRefusedByName() {
        assertThatThrownBy(() -> JsonSchemas.of(RawPage.class, JsonSchemas.JACKSON_DESCRIPTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RawPage.page")
                .hasMessageContaining("Page")
                .hasMessageContaining("type arguments");
    }

    @Test
    void aDescribedComponentThatIsARecursiveRecordKeepsItsDescriptionWithoutKeywordsBesideRef() throws Exception {
        Map<String, Object> s = JsonSchemas.of(Described.class, JsonSchemas.JACKSON_DESCRIPTIONS);
        // the referenced definition is written in place, one level, so the description can sit beside it
        assertThat(json(s))
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"root\":{\"type\":\"object\",\"properties\":"
                        + "{\"name\":{\"type\":\"string\"},\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/Node\"}}},"
                        + "\"required\":[\"name\",\"children\"],\"additionalProperties\":false,\"description\":\"the root\"},"
                        + "\"parent\":{\"anyOf\":[{\"$ref\":\"#/$defs/Node\"},{\"type\":\"null\"}],\"description\":\"its parent\"}},"
                        + "\"required\":[\"root\",\"parent\"],\"additionalProperties\":false,\"$defs\":{\"Node\":"
                        + NODE + "}}");
        assertStrict(s);
        assertThat(validate(
                        s,
                        "{\"root\":{\"name\":\"a\",\"children\":[{\"name\":\"b\",\"children\":[]}]},\"parent\":null}"))
                .isEmpty();
        assertThat(validate(s, "{\"root\":{\"name\":\"a\",\"children\":[{\"name\":\"b\"}]},\"parent\":null}"))
                .isNotEmpty();
    }

    @Test
    void aDescribedReferenceInsideADefinitionIsWrittenInPlaceToo() throws Exception {
        Map<String, Object> s = JsonSchemas.of(Emp.class, JsonSchemas.JACKSON_DESCRIPTIONS);
        assertStrict(s);
        assertThat(json(s))
                .contains("\"dept\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                        + "\"staff\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/Emp\"}}},\"required\":[\"name\",\"staff\"],"
                        + "\"additionalProperties\":false,\"description\":\"where they work\"}");
        assertThat(validate(
                        s,
                        "{\"name\":\"ann\",\"dept\":{\"name\":\"lab\",\"staff\":[{\"name\":\"bo\","
                                + "\"dept\":{\"name\":\"lab\",\"staff\":[]}}]}}"))
                .isEmpty();
        assertThat(validate(s, "{\"name\":\"ann\",\"dept\":{\"name\":\"lab\",\"staff\":[{\"name\":\"bo\"}]}}"))
                .isNotEmpty();
    }

    @Test
    void outputsWithDescribedRecursiveComponentsAreStrict() {
        Map<String, Object> s = JsonSchemas.outputs(Signature.of(Out.class));
        assertStrict(s);
    }

    @Test
    void recursionThroughEverLargerTypeArgumentsIsRefusedInsteadOfRunningForever() {
        // Nest<String> holds Nest<List<String>>, which holds Nest<List<List<String>>>, ...: the search for
        // recursion used to run without end (a new type at every step), and writing the schema would overflow
        assertThatThrownBy(() -> JsonSchemas.of(Nested.class, JsonSchemas.JACKSON_DESCRIPTIONS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("record Nest (reached from Nested) contains itself with type arguments that grow at each"
                        + " level (e.g. Nest<X> holding Nest<List<X>>): no finite JSON Schema describes it");
    }
}
