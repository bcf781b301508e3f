package dev.dspy4j.evaluate;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Chat;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricTraceTest {

    record TwoStep(ChainOfThought draft, Predict answer) implements Module {
        @Override
        public Prediction call(Map<String, ?> inputs) {
            String notes = draft.call(inputs).getString("notes");
            return answer.call(Map.of("question", inputs.get("question"), "notes", notes));
        }
    }

    private static final List<Example> DEV = List.of(
            Example.of("question", "a", "answer", "A").withInputs("question"),
            Example.of("question", "b", "answer", "B").withInputs("question"));

    private static Module program() {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    if (Chat.lastUser(r).contains("[[ ## notes ## ]]\nnote")) return List.of(answer("answer", "A"));
                    return List.of(answer("reasoning", "r", "notes", "note"));
                })
                .build();
        return new TwoStep(ChainOfThought.of("question -> notes"), Predict.of("question, notes -> answer")).withLm(lm);
    }

    @Test
    void aTracedMetricGetsTheStepsOfItsRunAndItsFeedbackIsKeptPerRow() {
        Module program = program();
        java.util.IdentityHashMap<dev.dspy4j.module.Predict, String> names = new java.util.IdentityHashMap<>();
        program.predictors().forEach((n, p) -> names.put(p, n));
        Metric metric = Metric.withTrace((gold, pred, trace) -> {
            List<String> ran = trace.stream().map(s -> names.get(s.predictor())).toList();
            boolean ok = pred.getString("answer").equals(gold.getString("answer"));
            ScoreWithFeedback r = ScoreWithFeedback.of(ok ? 1 : 0, "ran " + ran);
            return ok ? r : r.withPredictorFeedback("answer.self", "expected " + gold.getString("answer"));
        });
        EvaluationResult result =
                Evaluate.builder(DEV, metric).threads(2).build().run(program);
        assertThat(result.rows()).extracting(EvaluationResult.Row::score).containsExactly(1.0, 0.0);
        assertThat(result.rows()).allSatisfy(r -> assertThat(r.trace()).hasSize(2));
        assertThat(result.rows().get(0).feedback().feedback()).isEqualTo("ran [draft.predict, answer.self]");
        assertThat(result.rows().get(1).feedback().feedbackFor("answer.self")).isEqualTo("expected B");
        assertThat(result.rows().get(1).feedback().feedbackFor("draft.predict"))
                .isEqualTo("ran [draft.predict, answer.self]");
        assertThat(result.toMaps().get(1)).containsEntry("predictor_feedback", Map.of("answer.self", "expected B"));
        // the two-argument form of a traced metric sees an empty trace
        assertThat(metric.score(DEV.get(0), Prediction.of(Map.of("answer", "A"))))
                .isEqualTo(1.0);
    }

    @Test
    void aPlainMetricStillWorksAndANanScoreFailsItsRowWithTheExampleNamed() {
        Module program = program();
        EvaluationResult plain =
                Evaluate.builder(DEV, Metrics.exactMatch()).build().run(program);
        assertThat(plain.mean()).isEqualTo(0.5);
        assertThat(plain.rows().get(0).feedback().feedback()).isNull();
        EvaluationResult nan =
                Evaluate.builder(DEV, (e, p) -> Double.NaN).build().run(program);
        assertThat(nan.rows().get(1).error()).hasMessageContaining("NaN");
        assertThat(nan.mean()).isEqualTo(0.0);
        assertThatThrownBy(() -> ScoreWithFeedback.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
