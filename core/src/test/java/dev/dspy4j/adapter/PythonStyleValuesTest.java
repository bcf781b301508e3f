package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.signature.Input;
import dev.dspy4j.signature.Output;
import dev.dspy4j.signature.Signature;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Structured values written in Python's style read in every adapter; wrong values stay errors. */
class PythonStyleValuesTest {
    private final ChatAdapter chat = ChatAdapter.create();
    private final JsonAdapter json = JsonAdapter.create();

    record Measure(double score, Long count, boolean ok, String note) {}

    record Scored(@Input String text, @Output Measure measure) {}

    private static String chatAnswer(String field, String value) {
        return "[[ ## " + field + " ## ]]\n" + value + "\n\n[[ ## completed ## ]]";
    }

    @Test
    void aPythonListWithNoneInACodeFence() {
        Signature s = Signature.parse("q -> xs: list[Optional[int]]");
        assertThat(chat.parse(s, chatAnswer("xs", "```python\n[1, None, 3]\n```")))
                .containsEntry("xs", Arrays.asList(1L, null, 3L));
    }

    @Test
    void aJsonAdapterObjectWithSingleQuotesAndTrue() {
        Signature s = Signature.parse("input1 -> output1, output2: bool");
        assertThat(json.parse(s, "{'output1': 'Test output', 'output2': True}"))
                .containsExactly(Map.entry("output1", "Test output"), Map.entry("output2", true));
    }

    @Test
    void aRecordWithDigitGrouping() {
        Signature s = Signature.of(Scored.class);
        String value = "{'score': 123_456.789, 'count': 1_000, 'ok': False, 'note': None}";
        assertThat(chat.parse(s, chatAnswer("measure", value)))
                .containsEntry("measure", new Measure(123456.789, 1000L, false, null));
        assertThat(json.parse(s, "{'measure': " + value + "}"))
                .containsEntry("measure", new Measure(123456.789, 1000L, false, null));
    }

    @Test
    void scalarsInPythonSpelling() {
        Signature s = Signature.parse("q -> n: int, x: float, ok: bool, maybe: Optional[int]");
        assertThat(chat.parse(
                        s,
                        "[[ ## n ## ]]\n1_000\n[[ ## x ## ]]\n-2_5.0_1\n[[ ## ok ## ]]\nTrue\n"
                                + "[[ ## maybe ## ]]\nNone"))
                .containsEntry("n", 1000L)
                .containsEntry("x", -25.01)
                .containsEntry("ok", true)
                .containsEntry("maybe", null);
        assertThat(json.parse(s, "{'n': 1_000, 'x': .5, 'ok': False, 'maybe': None}"))
                .containsEntry("n", 1000L)
                .containsEntry("x", 0.5)
                .containsEntry("ok", false)
                .containsEntry("maybe", null);
    }

    @Test
    void nestedStructuresAndTheFallbackObjectInProse() {
        Signature s = Signature.parse("q -> tags: dict[str, list[bool]], pairs: list[list[int]]");
        Map<String, Object> out = json.parse(
                s,
                "Here it is: {'tags': {'a': [True, False], b: []}, "
                        + "'pairs': [(1, 2), (3_0, 4),],} -- hope that helps (it's right)");
        assertThat(out)
                .containsEntry("tags", Map.of("a", List.of(true, false), "b", List.of()))
                .containsEntry("pairs", List.of(List.of(1L, 2L), List.of(30L, 4L)));
    }

    @Test
    void pythonTokensInsideStringsAreLeftAlone() {
        Signature s = Signature.parse("q -> items: list[str]");
        assertThat(chat.parse(s, chatAnswer("items", "['None', \"True (yes)\", 'it\\'s 1_000', \"don't\"]")))
                .containsEntry("items", List.of("None", "True (yes)", "it's 1_000", "don't"));
    }

    @Test
    void strictnessStays() {
        Signature s = Signature.parse("q -> n: int, xs: list[int]");
        for (String[] bad : new String[][] {
            {"seven", "[1]"},
            {"1__000", "[1]"},
            {"_1", "[1]"},
            {"1", "[1, 'seven']"},
            {"1", "[1, 2.5]"},
            {"1", "[1, True]"}
        }) {
            AdapterParseException e = catchThrowableOfType(
                    AdapterParseException.class,
                    () -> chat.parse(s, "[[ ## n ## ]]\n" + bad[0] + "\n[[ ## xs ## ]]\n" + bad[1]));
            assertThat(e).as(String.join(" / ", bad)).isNotNull();
            assertThat(e.unparsable()).as(String.join(" / ", bad)).hasSize(1);
        }
        AdapterParseException e =
                catchThrowableOfType(AdapterParseException.class, () -> json.parse(s, "{'n': 'seven', 'xs': [1]}"));
        assertThat(e.unparsable().get("n")).contains("'seven' is not an integer");
    }

    @Test
    void theRewriteLeavesJsonAndStringsUntouched() {
        String plain = "{\"a\": [1, 2], \"b\": \"None (True)\"}";
        assertThat(PythonLiterals.toJson(plain)).isSameAs(plain);
        assertThat(PythonLiterals.toJson("{'a': None, 'b': 'None', \"c\": (True, 1_0), 'd': \"it's False\"}"))
                .isEqualTo("{'a': null, 'b': 'None', \"c\": [true, 10], 'd': \"it's False\"}");
        assertThat(PythonLiterals.toJson("[Nonesuch, x_1, 1_a]")).isEqualTo("[Nonesuch, x_1, 1_a]");
    }
}
