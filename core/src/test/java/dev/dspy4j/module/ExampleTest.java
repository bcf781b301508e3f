package dev.dspy4j.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ExampleTest {

    @Test
    void inputsAndLabels() {
        Example e =
                Example.of("question", "2+2?", "answer", "4", "source", "math").withInputs("question");
        assertThat(e.inputs()).containsExactly(Map.entry("question", "2+2?"));
        assertThat(e.labels()).containsOnlyKeys("answer", "source");
        assertThat(e.keys()).containsExactly("question", "answer", "source");
        assertThat(e.with("answer", "four").get("answer")).isEqualTo("four");
        assertThat(e.get("answer")).isEqualTo("4");
    }

    @Test
    void inputsRequireMarking() {
        Example e = Example.of("q", "x");
        assertThatThrownBy(e::inputs).isInstanceOf(IllegalStateException.class).hasMessageContaining("withInputs");
        assertThatThrownBy(() -> e.withInputs("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no field 'nope'");
        assertThatThrownBy(() -> Example.of("q")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Example.of("q", "x", 2, "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argument 2")
                .hasMessageContaining("Integer 2");
        assertThatThrownBy(() -> Example.of("q", "x", null, "y"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("argument 2");
    }

    @Test
    void typedGettersConvert() {
        Prediction p = Prediction.of(Map.of("n", 4L, "xs", List.of(1L, 2L)));
        assertThat(p.get("n", Integer.class)).isEqualTo(4);
        assertThat(p.get("n", Long.class)).isEqualTo(4L);
        assertThat(p.getString("n")).isEqualTo("4");
        assertThatThrownBy(() -> p.get("missing", String.class))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("no field 'missing'");
        assertThatThrownBy(() -> p.get("xs", Integer.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field 'xs'");
    }

    @Test
    void predictionKeepsAllCompletions() {
        Prediction p = Prediction.of(List.of(Map.of("a", "1"), Map.of("a", "2")), dev.dspy4j.lm.Usage.ZERO, true);
        assertThat(p.get("a")).isEqualTo("1");
        assertThat(p.completions()).extracting(m -> m.get("a")).containsExactly("1", "2");
        assertThat(p.cacheHit()).isTrue();
    }

    @Test
    void completionsKeepTheOrderOfTheirFields() {
        Map<String, Object> first = new java.util.LinkedHashMap<>();
        for (String k : List.of("reasoning", "answer", "confidence", "source", "notes", "label"))
            first.put(k, k + "-1");
        Map<String, Object> second = new java.util.LinkedHashMap<>(first);
        second.put("answer", "answer-2");
        Prediction p = Prediction.of(List.of(first, second), dev.dspy4j.lm.Usage.ZERO, false);
        assertThat(p.keys()).containsExactlyElementsOf(first.keySet());
        assertThat(p.completions().get(0).keySet()).containsExactlyElementsOf(first.keySet());
        assertThat(p.completions().get(1).keySet()).containsExactlyElementsOf(first.keySet());
        assertThatThrownBy(() -> p.completions().get(0).put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void traceStepsDoNotExposeMutableInputs() {
        dev.dspy4j.lm.ScriptedLm lm = dev.dspy4j.lm.ScriptedLm.of(Chat.answer("answer", "4"));
        Predict qa = Predict.of("question -> answer").withLm(lm);
        Trace.Traced<Prediction> t = Trace.capture(() -> qa.call(Map.of("question", "2+2?")));
        Trace.Step step = t.steps().get(0);
        assertThatThrownBy(() -> step.inputs().put("question", "changed"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(step.inputs()).containsExactly(Map.entry("question", "2+2?"));

        Map<String, Object> given = new java.util.LinkedHashMap<>();
        given.put("question", "q");
        given.put("context", null); // an absent optional input is allowed
        Trace.Step made = new Trace.Step(qa, given, step.outputs());
        given.put("question", "changed");
        assertThat(made.inputs())
                .containsEntry("question", "q")
                .containsEntry("context", null)
                .hasSize(2);

        List<Trace.Step> steps = new java.util.ArrayList<>(List.of(made));
        Trace.Traced<String> traced = new Trace.Traced<>("v", steps);
        steps.clear();
        assertThat(traced.steps()).containsExactly(made);
        assertThatThrownBy(() -> traced.steps().add(made)).isInstanceOf(UnsupportedOperationException.class);
    }
}
