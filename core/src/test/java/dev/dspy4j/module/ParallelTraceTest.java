package dev.dspy4j.module;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTraceTest {

    private static final List<Example> EXAMPLES = IntStream.range(0, 12)
            .mapToObj(i -> Example.of("question", "q" + i).withInputs("question"))
            .toList();

    private static Predict echo() {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> List.of(answer("answer", Chat.input(r, "question") + "!")))
                .build();
        return Predict.of("question -> answer").withLm(lm);
    }

    @Test
    void aTraceAroundARunRecordsEveryWorkersStepsInInputOrder() {
        Predict p = echo();
        Trace.Traced<Parallel.Result<Prediction>> t =
                Trace.capture(() -> Parallel.of(4).run(p, EXAMPLES));
        assertThat(t.steps()).hasSize(12);
        assertThat(t.steps())
                .extracting(s -> s.inputs().get("question"))
                .containsExactlyElementsOf(
                        IntStream.range(0, 12).mapToObj(i -> "q" + i).toList());
        assertThat(t.steps())
                .extracting(s -> s.outputs().getString("answer"))
                .containsExactlyElementsOf(
                        IntStream.range(0, 12).mapToObj(i -> "q" + i + "!").toList());
        assertThat(t.steps()).allSatisfy(s -> assertThat(s.predictor()).isSameAs(p));
    }

    @Test
    void nestedCapturesOnWorkersStillSeeTheirOwnSteps() {
        Predict p = echo();
        Trace.Traced<Parallel.Result<Trace.Traced<Prediction>>> t =
                Trace.capture(() -> Parallel.of(3).run(EXAMPLES, ex -> Trace.capture(() -> p.call(ex))));
        assertThat(t.value().values())
                .allSatisfy(inner -> assertThat(inner.steps()).hasSize(1));
        assertThat(t.steps()).hasSize(12);
    }

    @Test
    void stepsOfAFailedItemAndOfARunStoppedByTheErrorBudgetAreKept() {
        Predict p = echo();
        List<Trace.Step> seen = new java.util.ArrayList<>();
        assertThatThrownBy(() -> Trace.capture(() -> {
                    try {
                        return Parallel.builder()
                                .threads(1)
                                .maxErrors(1)
                                .build()
                                .run(EXAMPLES, ex -> {
                                    p.call(ex);
                                    throw new IllegalStateException("after the call");
                                });
                    } finally {
                        seen.addAll(Trace.active());
                    }
                }))
                .isInstanceOf(ParallelException.class);
        assertThat(seen).hasSize(1);
    }

    @Test
    void withoutACaptureNothingIsRecordedAndWorkersKeepNoTrace() {
        Predict p = echo();
        Parallel.of(2).run(p, EXAMPLES);
        Trace.Traced<Prediction> after = Trace.capture(() -> p.call(EXAMPLES.get(0)));
        assertThat(after.steps()).hasSize(1);
    }
}
