package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.OneValue.chatError;
import static dev.dspy4j.adapter.OneValue.chatValue;
import static dev.dspy4j.adapter.OneValue.jsonValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Input;
import dev.dspy4j.signature.Output;
import dev.dspy4j.signature.Signature;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values of every signature type DSPy users declare, read by the chat and JSON adapters. */
class SignatureTypeValuesTest {
    private final ChatAdapter chat = ChatAdapter.create();

    @Test
    void optionalInTheModernSpelling() {
        assertThat(chatValue("str | None", "None")).isNull();
        assertThat(chatValue("str | None", "hello")).isEqualTo("hello");
        assertThat(chatValue("None | int", "7")).isEqualTo(7L);
        assertThat(chatValue("Literal['a','b'] | None", "null")).isNull();
        assertThat(chatValue("Literal['a','b'] | None", "B")).isEqualTo("b");
        assertThat(jsonValue("None | int", "null")).isNull();
        assertThat(chatError("None | int", "seven")).contains("'seven' is not an integer");
    }

    @Test
    void unionsTryEachOptionAStringLast() {
        assertThat(chatValue("int | str", "42")).isEqualTo(42L);
        assertThat(chatValue("int | str", "forty-two")).isEqualTo("forty-two");
        assertThat(chatValue("Union[bool, list[int]]", "[1, 2]")).isEqualTo(List.of(1L, 2L));
        assertThat(chatValue("Union[bool, list[int]]", "True")).isEqualTo(true);
        assertThat(jsonValue("int | str", "42")).isEqualTo(42L);
        assertThat(jsonValue("int | str", "\"42\""))
                .as("a JSON string stays a string")
                .isEqualTo("42");
        assertThat(jsonValue("list[int | str]", "[1, 'two', None]".replace("None", "3")))
                .isEqualTo(List.of(1L, "two", 3L));
        assertThat(chatError("int | bool", "maybe"))
                .contains("fits none of Union[int, bool]")
                .contains("int: 'maybe' is not an integer")
                .contains("bool: 'maybe' is not true or false");
    }

    @Test
    void anyIsAPlainJsonValueOrTheText() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a", List.of(1L, 2.5, true));
        expected.put("b", null);
        assertThat(chatValue("Any", "{'a': [1, 2.5, True], 'b': None}")).isEqualTo(expected);
        assertThat(chatValue("Any", "just words")).isEqualTo("just words");
        assertThat(chatValue("Any", "12")).isEqualTo(12L);
        assertThat(jsonValue("Any", "{\"a\": [1, 2.5, true], \"b\": null}")).isEqualTo(expected);
        assertThat(jsonValue("dict[str, Any]", "{\"k\": [1]}")).isEqualTo(Map.of("k", List.of(1L)));
    }

    record Tree(@Input String q, @Output JsonNode tree) {}

    @Test
    void anAnyFieldDeclaredAsJsonNodeGetsTheTree() {
        Object v = chat.parse(Signature.of(Tree.class), "[[ ## tree ## ]]\n{'a': [1, None]}")
                .get("tree");
        assertThat(v).isInstanceOf(JsonNode.class);
        assertThat(v.toString()).isEqualTo("{\"a\":[1,null]}");
    }

    @Test
    void tuplesFromArraysOrPythonTuples() {
        assertThat(chatValue("tuple[int, int]", "(3, 4)")).isEqualTo(List.of(3L, 4L));
        assertThat(chatValue("tuple[int, int]", "[3, 4]")).isEqualTo(List.of(3L, 4L));
        assertThat(chatValue("tuple[str, int]", "('x', 1)")).isEqualTo(List.of("x", 1L));
        assertThat(chatValue("Tuple[str, ...]", "('a', 'b', 'c')")).isEqualTo(List.of("a", "b", "c"));
        assertThat(chatValue("list[tuple[int, int, int, int]]", "[(10, 20, 110, 220), [0, 0, 5, 5]]"))
                .isEqualTo(List.of(List.of(10L, 20L, 110L, 220L), List.of(0L, 0L, 5L, 5L)));
        assertThat(jsonValue("list[tuple[int, int, int, int]]", "[[1, 2, 3, 4]]"))
                .isEqualTo(List.of(List.of(1L, 2L, 3L, 4L)));
        assertThat(chatError("tuple[int, int]", "(1, 2, 3)")).contains("has 3 items, but tuple[int, int] has 2");
        assertThat(chatError("list[tuple[int, int, int, int]]", "[(1, 2, 3, 'x')]"))
                .contains("at [0][3]: 'x' is not an integer");
    }

    @Test
    void nonStringLiterals() {
        assertThat(chatValue("Literal[1, 0]", "1")).isEqualTo(1L);
        assertThat(chatValue("Literal[1, 0]", "Literal[0]")).isEqualTo(0L);
        assertThat(jsonValue("Literal[1, 0]", "0")).isEqualTo(0L);
        assertThat(chatValue("list[Literal[1, 0]]", "[1, 0, 1]")).isEqualTo(List.of(1L, 0L, 1L));
        assertThat(jsonValue("list[Literal[1, 0]]", "[1, \"0\"]")).isEqualTo(List.of(1L, 0L));
        assertThat(chatValue("Literal[True, False]", "true")).isEqualTo(true);
        assertThat(chatValue("Literal[True, False]", "False")).isEqualTo(false);
        assertThat(jsonValue("Literal[True, False]", "true")).isEqualTo(true);
        assertThat(chatValue("Literal['a', 1]", "a")).isEqualTo("a");
        assertThat(chatValue("Literal['a', 1]", "1")).isEqualTo(1L);
        assertThat(chatError("Literal[1, 0]", "2")).contains("'2' is not one of [1, 0]");
        assertThat(chatError("list[Literal[1, 0]]", "[1, 2]")).contains("at [1]: '2' is not one of [1, 0]");
    }

    @Test
    void bareListAndDict() {
        assertThat(chatValue("list", "['a', 1, None]")).isEqualTo(Arrays.asList("a", 1L, null));
        assertThat(chatValue("dict", "{'a': 1, 'b': [True]}")).isEqualTo(Map.of("a", 1L, "b", List.of(true)));
        assertThat(jsonValue("list", "[1, 2]")).isEqualTo(List.of(1L, 2L));
    }

    @Test
    void nullOnlyWhereTheTypeIsOptional() {
        assertThat(chatError("list[int]", "[1, None, 3]")).contains("at [1]: is null, but int is not optional");
        assertThat(chatValue("list[Optional[int]]", "[1, None, 3]")).isEqualTo(Arrays.asList(1L, null, 3L));
        assertThat(chatError("dict[str, float]", "{'a': None}")).contains("at 'a': is null");
    }

    @Test
    void aPredictionWithEveryNewTypeAndItsPrompt() {
        Signature s = Signature.parse("q -> a: int | None, b: tuple[int, int], c: Literal[1, 0], d: Any");
        ScriptedLm lm = ScriptedLm.of(
                "[[ ## a ## ]]\nNone\n[[ ## b ## ]]\n(1, 2)\n[[ ## c ## ]]\n1\n[[ ## d ## ]]\n{'k': 'v'}");
        Map<String, Object> out =
                Predict.of(s).withLm(lm).call(Map.of("q", "?")).toMap();
        assertThat(out)
                .containsEntry("a", null)
                .containsEntry("b", List.of(1L, 2L))
                .containsEntry("c", 1L)
                .containsEntry("d", Map.of("k", "v"));
        String system = PromptText.render(lm.lastRequest().prompt());
        assertThat(system)
                .contains("- `a` (Optional[int])")
                .contains("- `b` (tuple[int, int])")
                .contains("- `c` (Literal[1, 0])")
                .contains("{c} -- one of: 1, 0")
                .contains("{d} -- any JSON value")
                .contains(
                        "{b} -- JSON matching the schema {\"type\": \"array\", \"prefixItems\": [{\"type\": \"integer\"}, "
                                + "{\"type\": \"integer\"}], \"minItems\": 2, \"maxItems\": 2}");
    }

    @Test
    void schemas() {
        Signature s =
                Signature.parse("q -> a: int | str, b: Literal[1, 0], c: Literal[True, False], d: Literal['x', 1], "
                        + "e: Any, f: Tuple[str, ...]");
        Map<String, Object> props = cast(JsonSchemas.outputs(s).get("properties"));
        assertThat(props.get("a"))
                .isEqualTo(Map.of("anyOf", List.of(Map.of("type", "integer"), Map.of("type", "string"))));
        assertThat(props.get("b")).isEqualTo(Map.of("type", "integer", "enum", List.of(1L, 0L)));
        assertThat(props.get("c")).isEqualTo(Map.of("type", "boolean", "enum", List.of(true, false)));
        assertThat(props.get("d")).isEqualTo(Map.of("enum", List.of("x", 1L)));
        assertThat(props.get("e")).isEqualTo(Map.of());
        assertThat(props.get("f")).isEqualTo(Map.of("type", "array", "items", Map.of("type", "string")));
        assertThat(JsonSchemas.strictCompatible(JsonSchemas.outputs(s))).isFalse();
        assertThat(JsonSchemas.strictCompatible(
                        JsonSchemas.outputs(Signature.parse("q -> a: int | str, b: Literal[1, 0]"))))
                .isTrue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
