package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.Fixtures.TYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.adapter.Fixtures.Address;
import dev.dspy4j.adapter.Fixtures.Mood;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing field-marker completions into typed values. */
class ChatAdapterParseTest {
    private final ChatAdapter a = ChatAdapter.create();

    private static final String WELL_FORMED = """
            [[ ## age ## ]]
            36

            [[ ## height ## ]]
            1.68

            [[ ## adult ## ]]
            true

            [[ ## mood ## ]]
            HAPPY

            [[ ## hobbies ## ]]
            ["chess", "rowing"]

            [[ ## address ## ]]
            {"city": "London", "zip": 10115}

            [[ ## completed ## ]]
            """;

    @Test
    void wellFormedCompletionGivesTypedValues() {
        Map<String, Object> out = a.parse(TYPED, WELL_FORMED);
        assertThat(out)
                .containsExactly(
                        Map.entry("age", 36),
                        Map.entry("height", 1.68),
                        Map.entry("adult", true),
                        Map.entry("mood", Mood.HAPPY),
                        Map.entry("hobbies", List.of("chess", "rowing")),
                        Map.entry("address", new Address("London", 10115)));
        assertThat(out.get("age")).isInstanceOf(Integer.class);
    }

    @Test
    void reorderedFieldsParseTheSame() {
        String reordered = """
                [[ ## address ## ]]
                {"city": "London", "zip": 10115}

                [[ ## mood ## ]]
                HAPPY

                [[ ## hobbies ## ]]
                ["chess", "rowing"]

                [[ ## adult ## ]]
                true

                [[ ## height ## ]]
                1.68

                [[ ## age ## ]]
                36

                [[ ## completed ## ]]
                """;
        assertThat(a.parse(TYPED, reordered)).isEqualTo(a.parse(TYPED, WELL_FORMED));
    }

    @Test
    void leniencyWhereItIsSafe() {
        String loose = """
                Sure, here you go.
                  [[ ## age ## ]]   36  \s
                [[ ## height ## ]]
                "1.68"
                [[ ## adult ## ]]
                True
                [[ ## mood ## ]]
                happy
                [[ ## hobbies ## ]]
                ```json
                ["chess", "rowing",]
                ```
                [[ ## address ## ]]
                ```
                {'city': 'London', 'zip': 10115}
                ```
                [[ ## completed ## ]]
                """;
        assertThat(a.parse(TYPED, loose)).isEqualTo(a.parse(TYPED, WELL_FORMED));
    }

    @Test
    void partialCompletionNamesTheMissingFields() {
        String partial = """
                [[ ## age ## ]]
                36

                [[ ## mood ## ]]
                SAD
                """;
        AdapterParseException e = catchThrowableOfType(AdapterParseException.class, () -> a.parse(TYPED, partial));
        assertThat(e.missing()).containsExactly("height", "adult", "hobbies", "address");
        assertThat(e.unparsable()).isEmpty();
        assertThat(e.completion()).isEqualTo(partial);
        assertThat(e.signature()).isEqualTo(TYPED);
        assertThat(e.getMessage())
                .contains("ChatAdapter", "Profile", "missing fields: height, adult, hobbies, address");
    }

    @Test
    void malformedValuesAreUnparsableNotDefaults() {
        String bad = WELL_FORMED
                .replace("36", "thirty-six")
                .replace("true", "yes")
                .replace("HAPPY", "ECSTATIC")
                .replace("{\"city\": \"London\", \"zip\": 10115}", "{\"city\": \"London\"}");
        AdapterParseException e = catchThrowableOfType(AdapterParseException.class, () -> a.parse(TYPED, bad));
        assertThat(e.missing()).isEmpty();
        assertThat(e.unparsable()).containsOnlyKeys("age", "adult", "mood", "address");
        assertThat(e.unparsable().get("age")).contains("'thirty-six' is not an integer");
        assertThat(e.unparsable().get("adult")).contains("'yes' is not true or false");
        assertThat(e.unparsable().get("mood")).contains("'ECSTATIC' is not one of [HAPPY, SAD]");
        assertThat(e.unparsable().get("address")).contains("zip");
    }

    @Test
    void textWithoutMarkersMissesEverything() {
        AdapterParseException e = catchThrowableOfType(
                AdapterParseException.class, () -> a.parse(Fixtures.SIMPLE, "Paris is the capital."));
        assertThat(e.missing()).containsExactly("answer");
    }

    @Test
    void integerFieldsAreStrict() {
        Signature s = Signature.parse("q -> n: int");
        assertThat(a.parse(s, "[[ ## n ## ]]\n  -12 \n")).containsEntry("n", -12L);
        assertThat(a.parse(s, "[[ ## n ## ]]\n4.0")).containsEntry("n", 4L);
        for (String bad : List.of("4.5", "four", "", "12 apples", "1e400000000000")) {
            AdapterParseException e = catchThrowableOfType(
                    AdapterParseException.class, () -> a.parse(s, "[[ ## n ## ]]\n" + bad + "\n[[ ## completed ## ]]"));
            assertThat(e).as(bad).isNotNull();
            assertThat(e.unparsable()).as(bad).containsKey("n");
        }
    }

    @Test
    void literalChoicesIgnoreCaseAndQuotes() {
        Signature s = Signature.parse("text -> sentiment: Literal['positive', 'negative']");
        assertThat(a.parse(s, "[[ ## sentiment ## ]]\nPositive")).containsEntry("sentiment", "positive");
        assertThat(a.parse(s, "[[ ## sentiment ## ]]\n'negative'")).containsEntry("sentiment", "negative");
        AdapterParseException e =
                catchThrowableOfType(AdapterParseException.class, () -> a.parse(s, "[[ ## sentiment ## ]]\nneutral"));
        assertThat(e.unparsable().get("sentiment")).contains("not one of [positive, negative]");
    }

    @Test
    void firstOccurrenceWinsAndUnknownMarkersAreIgnored() {
        Signature s = Signature.parse("q -> answer, note");
        String c = """
                [[ ## reasoning ## ]]
                thinking
                [[ ## answer ## ]] Paris
                [[ ## note ## ]]
                line one
                line two
                [[ ## answer ## ]]
                Lyon
                [[ ## completed ## ]]
                trailing text
                """;
        assertThat(a.parse(s, c))
                .containsExactly(Map.entry("answer", "Paris"), Map.entry("note", "line one\nline two"));
    }

    @Test
    void optionalOutputsMayBeMissing() {
        Signature s = Signature.parse("q -> answer, hint: Optional[str], score: Optional[int]");
        Map<String, Object> out = a.parse(s, "[[ ## answer ## ]]\nyes\n[[ ## score ## ]]\nnull");
        assertThat(out)
                .containsEntry("answer", "yes")
                .containsEntry("hint", null)
                .containsEntry("score", null);
        assertThat(a.parse(s, "[[ ## answer ## ]]\nyes\n[[ ## score ## ]]\n3")).containsEntry("score", 3L);
    }

    @Test
    void dspyStyleCompletionParses() {
        Signature s = Signature.parse("question -> reasoning, answer: float");
        String dspy = "[[ ## reasoning ## ]]\nTwo plus two is four.\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]";
        assertThat(a.parse(s, dspy))
                .containsExactly(Map.entry("reasoning", "Two plus two is four."), Map.entry("answer", 4.0));
    }
}
