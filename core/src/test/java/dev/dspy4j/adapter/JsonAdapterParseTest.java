package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.Fixtures.TYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.adapter.Fixtures.Address;
import dev.dspy4j.adapter.Fixtures.Mood;
import dev.dspy4j.signature.Input;
import dev.dspy4j.signature.Output;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Parsing JSON-object completions into typed values. */
class JsonAdapterParseTest {
    private final JsonAdapter a = JsonAdapter.create();

    private static final String WELL_FORMED = """
            {"age": 36, "height": 1.68, "adult": true, "mood": "HAPPY", "hobbies": ["chess", "rowing"],
             "address": {"city": "London", "zip": 10115}}""";

    private static final Map<String, Object> EXPECTED = expected();

    private static Map<String, Object> expected() {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("age", 36);
        m.put("height", 1.68);
        m.put("adult", true);
        m.put("mood", Mood.HAPPY);
        m.put("hobbies", List.of("chess", "rowing"));
        m.put("address", new Address("London", 10115));
        return m;
    }

    @Test
    void wellFormed() {
        assertThat(a.parse(TYPED, WELL_FORMED)).containsExactlyEntriesOf(EXPECTED);
    }

    @Test
    void reorderedKeysComeBackInSignatureOrder() {
        String reordered = """
                {"address": {"zip": 10115, "city": "London"}, "hobbies": ["chess", "rowing"], "mood": "HAPPY",
                 "adult": true, "height": 1.68, "age": 36}""";
        assertThat(a.parse(TYPED, reordered)).containsExactlyEntriesOf(EXPECTED);
    }

    @Test
    void fencedAndSurroundedByProse() {
        assertThat(a.parse(TYPED, "```json\n" + WELL_FORMED + "\n```")).containsExactlyEntriesOf(EXPECTED);
        assertThat(a.parse(TYPED, "Here is the answer:\n" + WELL_FORMED + "\nHope it helps."))
                .containsExactlyEntriesOf(EXPECTED);
    }

    @Test
    void anObjectAtTheStartFollowedByProseOrASecondBraceParses() {
        // the object starts the completion, so the "prose around it" path was skipped and the
        // trailing text made the whole completion invalid JSON
        assertThat(a.parse(TYPED, WELL_FORMED + "\nHope it helps.")).containsExactlyEntriesOf(EXPECTED);
        assertThat(a.parse(TYPED, WELL_FORMED + "\nNote: the zip is written {as given}."))
                .containsExactlyEntriesOf(EXPECTED);
        assertThat(a.parse(TYPED, "Here it is:\n" + WELL_FORMED + "\nDone {1}."))
                .containsExactlyEntriesOf(EXPECTED);
        // a truncated object is still an error, even when an object nested in it is complete
        AdapterParseException e = catchThrowableOfType(
                AdapterParseException.class,
                () -> a.parse(
                        TYPED,
                        "{\"age\": 36, \"address\": {\"city\": \"London\", \"zip\": 10115}, \"height\": 1.6 and more"));
        assertThat(e.problem()).startsWith("the completion is not a JSON object");
        assertThat(e.missing()).hasSize(6);
    }

    @Test
    void lenientScalarsInsideJson() {
        String loose = """
                {'age': "36", 'height': "1.68", 'adult': "True", 'mood': 'happy',
                 'hobbies': '["chess", "rowing"]', 'address': {'city': 'London', 'zip': 10115, 'extra': 1},}""";
        assertThat(a.parse(TYPED, loose)).containsExactlyEntriesOf(EXPECTED);
    }

    @Test
    void partialObjectNamesMissingFields() {
        AdapterParseException e = catchThrowableOfType(
                AdapterParseException.class, () -> a.parse(TYPED, "{\"age\": 36, \"mood\": \"SAD\"}"));
        assertThat(e.missing()).containsExactly("height", "adult", "hobbies", "address");
        assertThat(e.getMessage()).startsWith("JsonAdapter could not parse the completion for Profile");
    }

    @Test
    void malformedJsonIsAParseErrorWithEveryFieldMissing() {
        AdapterParseException e =
                catchThrowableOfType(AdapterParseException.class, () -> a.parse(TYPED, "{\"age\": 36, \"height\": "));
        assertThat(e.problem()).startsWith("the completion is not a JSON object");
        assertThat(e.missing()).hasSize(6);
        AdapterParseException notObject =
                catchThrowableOfType(AdapterParseException.class, () -> a.parse(TYPED, "[1, 2]"));
        assertThat(notObject.problem()).isEqualTo("the completion is not a JSON object");
    }

    @Test
    void wrongTypesAreUnparsable() {
        String bad = """
                {"age": 4.5, "height": "tall", "adult": 1, "mood": "ANGRY", "hobbies": "chess",
                 "address": {"city": "London"}}""";
        AdapterParseException e = catchThrowableOfType(AdapterParseException.class, () -> a.parse(TYPED, bad));
        assertThat(e.missing()).isEmpty();
        assertThat(e.unparsable()).containsOnlyKeys("age", "height", "adult", "mood", "hobbies", "address");
        assertThat(e.unparsable().get("age")).contains("'4.5' is not a whole number");
        assertThat(e.unparsable().get("adult")).contains("'1' is not true or false");
        assertThat(e.unparsable().get("address")).contains("zip");
    }

    @Test
    void nullIsAcceptedOnlyForOptionalOutputs() {
        Signature s = Signature.parse("q -> answer: int, hint: Optional[str]");
        assertThat(a.parse(s, "{\"answer\": 3, \"hint\": null}"))
                .containsEntry("answer", 3L)
                .containsEntry("hint", null);
        assertThat(a.parse(s, "{\"answer\": 3}")).containsEntry("hint", null);
        AdapterParseException e =
                catchThrowableOfType(AdapterParseException.class, () -> a.parse(s, "{\"answer\": null}"));
        assertThat(e.unparsable().get("answer")).contains("null");
    }

    @Test
    void theNotGivenMarkerThatDemosShowIsReadBackAsAbsent() {
        // a partial demo is shown to the LM as {"n": "(not given)"}, so an LM that follows the demos
        // writes it too; ChatAdapter reads it as absent, and so must JsonAdapter
        Signature s =
                Signature.parse("q -> answer: int, n: Optional[int], hint: Optional[str], tags: Optional[list[str]]");
        Map<String, Object> out = a.parse(
                s, "{\"answer\": 3, \"n\": \"(not given)\", \"hint\": \"(not given)\", \"tags\": \"(not given)\"}");
        assertThat(out)
                .containsEntry("answer", 3L)
                .containsEntry("n", null)
                .containsEntry("hint", null)
                .containsEntry("tags", null);
        assertThat(ChatAdapter.create()
                        .parse(
                                s,
                                "[[ ## answer ## ]]\n3\n\n[[ ## n ## ]]\n(not given)\n\n"
                                        + "[[ ## hint ## ]]\n(not given)\n\n[[ ## tags ## ]]\n(not given)"))
                .isEqualTo(out);
        // an Optional[str] keeps any other text, and a required field still rejects the marker
        assertThat(a.parse(s, "{\"answer\": 3, \"hint\": \"None of them\"}")).containsEntry("hint", "None of them");
        AdapterParseException e =
                catchThrowableOfType(AdapterParseException.class, () -> a.parse(s, "{\"answer\": \"(not given)\"}"));
        assertThat(e.unparsable()).containsOnlyKeys("answer");
    }

    @Test
    void stringFieldTakesNonStringJsonAsText() {
        Signature s = Signature.parse("q -> answer");
        assertThat(a.parse(s, "{\"answer\": 42}")).containsEntry("answer", "42");
        assertThat(a.parse(s, "{\"answer\": {\"x\": 1}}")).containsEntry("answer", "{\"x\":1}");
    }

    record Item(String name, int qty) {}

    record Order(
            @Input String text,
            @Output List<Item> items,
            @Output Map<String, Integer> totals,
            @Output Optional<String> note) {}

    @Test
    void recordsListsMapsAndOptionalsGoThroughJackson() {
        Signature s = Signature.of(Order.class);
        Map<String, Object> out = a.parse(s, """
                {"items": [{"name": "pen", "qty": 2}, {"name": "ink", "qty": 1}], "totals": {"pen": 4, "ink": 7},
                 "note": "gift"}""");
        assertThat(out.get("items")).isEqualTo(List.of(new Item("pen", 2), new Item("ink", 1)));
        assertThat(out.get("totals")).isEqualTo(Map.of("pen", 4, "ink", 7));
        assertThat(out.get("note")).isEqualTo("gift");
        AdapterParseException e = catchThrowableOfType(
                AdapterParseException.class,
                () -> a.parse(s, "{\"items\": [{\"name\": \"pen\", \"qty\": 2.5}], \"totals\": {\"pen\": \"x\"}}"));
        assertThat(e.unparsable()).containsOnlyKeys("items", "totals");
    }
}
