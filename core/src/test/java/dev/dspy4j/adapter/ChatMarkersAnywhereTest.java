package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Signature;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A field marker is a marker wherever it stands in a completion, not only at the start of a line. */
class ChatMarkersAnywhereTest {
    private final ChatAdapter a = ChatAdapter.create();
    private static final Signature COT = Signature.parse("question -> reasoning, answer");

    @Test
    void aMarkerRightAfterTheValueBeforeItStartsTheNextField() {
        String c = "[[ ## reasoning ## ]]\nChecked the forecast.[[ ## answer ## ]]\nSunny\n\n[[ ## completed ## ]]";
        assertThat(a.parse(COT, c))
                .containsExactly(Map.entry("reasoning", "Checked the forecast."), Map.entry("answer", "Sunny"));
    }

    @Test
    void theCompletedMarkerRightAfterAValueIsNotPartOfIt() {
        String c = "[[ ## reasoning ## ]]\nChecked the forecast.\n\n[[ ## answer ## ]]\nSunny[[ ## completed ## ]]";
        assertThat(a.parse(COT, c)).containsEntry("answer", "Sunny");
    }

    @Test
    void neighbours() {
        // every marker inline, values on the marker's own line, a typed value, an unknown marker mid-line
        Signature s = Signature.parse("q -> reasoning, answer: int, note");
        String c = "[[ ## reasoning ## ]] two and two [[ ## answer ## ]] 4 [[ ## scratch ## ]] ignore me "
                + "[[ ## note ## ]]checked[[ ## completed ## ]] trailing";
        assertThat(a.parse(s, c))
                .containsExactly(
                        Map.entry("reasoning", "two and two"), Map.entry("answer", 4L), Map.entry("note", "checked"));
        // markers with looser spacing still count mid-line
        assertThat(a.parse(COT, "[[## reasoning ##]]x.[[ ##answer## ]]y"))
                .containsEntry("reasoning", "x.")
                .containsEntry("answer", "y");
    }

    @Test
    void textBeforeTheFirstMarkerIsTheFirstOutputWhenItsMarkerIsMissing() {
        assertThat(a.parse(COT, "Checked the forecast.[[ ## answer ## ]]\nSunny"))
                .containsExactly(Map.entry("reasoning", "Checked the forecast."), Map.entry("answer", "Sunny"));
        // ... but only then: a preamble before the first output's own marker is dropped
        assertThat(a.parse(COT, "Sure.\n[[ ## reasoning ## ]]\nr\n[[ ## answer ## ]]\nSunny"))
                .containsEntry("reasoning", "r");
        // and text with no marker at all is still no answer
        AdapterParseException e = catchThrowableOfType(AdapterParseException.class, () -> a.parse(COT, "Sunny"));
        assertThat(e.missing()).containsExactly("reasoning", "answer");
    }

    @Test
    void aPredictionNeedsNoSecondCall() {
        ScriptedLm lm = ScriptedLm.of(
                "[[ ## reasoning ## ]]\nChecked the forecast.[[ ## answer ## ]]\nSunny\n\n[[ ## completed ## ]]");
        Prediction p = Predict.of(COT).withLm(lm).call(Map.of("question", "Weather?"));
        assertThat(p.getString("answer")).isEqualTo("Sunny");
        assertThat(lm.requests()).hasSize(1);
    }
}
