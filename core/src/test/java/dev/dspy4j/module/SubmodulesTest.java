package dev.dspy4j.module;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.ScriptedLm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubmodulesTest {

    /** A two-step program as a record: no predictors()/withPredictors() written by hand. */
    record TwoStep(ChainOfThought draft, Predict answer) implements Module {
        @Override
        public Prediction call(Map<String, ?> inputs) {
            String notes = draft.call(inputs).getString("notes");
            return answer.call(Map.of("question", inputs.get("question"), "notes", notes));
        }
    }

    /** The same as a class. */
    static final class TwoStepClass extends CompositeModule {
        private final ChainOfThought draft = ChainOfThought.of("question -> notes");
        private final Predict answer = Predict.of("question, notes -> answer");
        private final String label = "kept";

        @Override
        public Prediction call(Map<String, ?> inputs) {
            String notes = draft.call(inputs).getString("notes");
            return answer.call(Map.of("question", inputs.get("question"), "notes", notes));
        }
    }

    record Pipeline(List<Predict> steps, TwoStep inner) implements Module {
        @Override
        public Prediction call(Map<String, ?> inputs) {
            return inner.call(inputs);
        }
    }

    /** A plain class: predictors are found, but it cannot be rebuilt without help. */
    static final class Plain implements Module {
        final Predict only = Predict.of("q -> a");

        @Override
        public Prediction call(Map<String, ?> inputs) {
            return only.call(inputs);
        }
    }

    /** One predictor held by two components (and again inside a nested record). */
    record Shared(Predict first, Predict second, Pipeline nested) implements Module {
        @Override
        public Prediction call(Map<String, ?> inputs) {
            return second.call(Map.of("question", first.call(inputs).getString("answer")));
        }
    }

    @Test
    void aSharedPredictorIsListedOnceAndStaysSharedWhenReplaced() {
        Predict shared = Predict.of("question -> answer");
        TwoStep inner = twoStep();
        Shared p = new Shared(shared, shared, new Pipeline(List.of(shared, inner.answer()), inner));

        // each instance once, under the first path that reaches it
        assertThat(p.predictors().keySet())
                .containsExactly("first.self", "nested.steps[1].self", "nested.inner.draft.predict");
        assertThat(p.predictors().get("first.self")).isSameAs(shared);

        Shared q = (Shared) p.mapPredictors(x -> x.withInstructions("Tuned."));
        assertThat(q.first()).isSameAs(q.second()).isSameAs(q.nested().steps().get(0));
        assertThat(q.nested().steps().get(1)).isSameAs(q.nested().inner().answer());
        assertThat(q.first().signature().instructions()).isEqualTo("Tuned.");
        assertThat(q.nested().inner().answer().signature().instructions()).isEqualTo("Tuned.");
        assertThat(shared.signature().instructions()).isNotEqualTo("Tuned.");

        Predict other = Predict.of("question -> answer").withInstructions("Other.");
        Shared r = (Shared) p.withPredictors(Map.of("first.self", other));
        assertThat(r.first()).isSameAs(other);
        assertThat(r.second()).isSameAs(other);
        assertThat(r.nested().steps().get(0)).isSameAs(other);
        assertThat(r.nested().inner()).isSameAs(p.nested().inner());
    }

    private static TwoStep twoStep() {
        return new TwoStep(ChainOfThought.of("question -> notes"), Predict.of("question, notes -> answer"));
    }

    @Test
    void aRecordsPredictorsAreNamedByComponentPath() {
        TwoStep p = twoStep();
        assertThat(p.predictors())
                .containsExactly(Map.entry("draft.predict", p.draft().predict()), Map.entry("answer.self", p.answer()));
    }

    @Test
    void withPredictorsRebuildsTheRecordAndLeavesTheOriginalUntouched() {
        TwoStep p = twoStep();
        Predict newAnswer = p.answer().withInstructions("Answer in one word.");
        Module q = p.withPredictors(Map.of("answer.self", newAnswer));
        assertThat(q).isInstanceOf(TwoStep.class).isNotSameAs(p);
        assertThat(((TwoStep) q).answer()).isSameAs(newAnswer);
        assertThat(((TwoStep) q).draft()).isSameAs(p.draft());
        assertThat(p.answer().signature().instructions()).isNotEqualTo("Answer in one word.");
        // mapPredictors and withLm work through the same defaults
        ScriptedLm lm = ScriptedLm.of();
        assertThat(p.withLm(lm).predictors().values())
                .allSatisfy(x -> assertThat(x.lm()).isSameAs(lm));
    }

    @Test
    void aCompositeModuleClassIsCopiedWithItsFieldsReplaced() {
        TwoStepClass p = new TwoStepClass();
        assertThat(p.predictors()).containsOnlyKeys("draft.predict", "answer.self");
        Predict d = p.draft.predict().withInstructions("Write short notes.");
        TwoStepClass q = (TwoStepClass) p.withPredictors(Map.of("draft.predict", d));
        assertThat(q).isNotSameAs(p);
        assertThat(q.draft.predict()).isSameAs(d);
        assertThat(q.answer).isSameAs(p.answer);
        assertThat(q.label).isEqualTo("kept");
        assertThat(p.draft.predict()).isNotSameAs(d);
    }

    @Test
    void listsAndNestedProgramsAreWalked() {
        Pipeline p = new Pipeline(List.of(Predict.of("a -> b"), Predict.of("b -> c")), twoStep());
        assertThat(p.predictors().keySet())
                .containsExactly("steps[0].self", "steps[1].self", "inner.draft.predict", "inner.answer.self");
        Predict s1 = p.steps().get(1).withInstructions("x");
        Predict a = p.inner().answer().withInstructions("y");
        Pipeline q = (Pipeline) p.withPredictors(Map.of("steps[1].self", s1, "inner.answer.self", a));
        assertThat(q.steps().get(1)).isSameAs(s1);
        assertThat(q.steps().get(0)).isSameAs(p.steps().get(0));
        assertThat(q.inner().answer()).isSameAs(a);
        assertThat(q.inner().draft()).isSameAs(p.inner().draft());
    }

    @Test
    void anUnknownNameIsRefusedWithTheKnownNames() {
        assertThatThrownBy(() -> twoStep().withPredictors(Map.of("answer", Predict.of("a -> b"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no predictor 'answer'")
                .hasMessageContaining("[answer.self, draft.predict]");
    }

    @Test
    void aPlainClassListsItsPredictorsButCannotBeRebuilt() {
        Plain p = new Plain();
        assertThat(p.predictors()).containsOnlyKeys("only.self");
        assertThat(p.withPredictors(Map.of())).isSameAs(p);
        assertThatThrownBy(() -> p.withPredictors(Map.of("only.self", Predict.of("q -> a"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("make it a record");
    }

    @Test
    void theRecordProgramRunsAndIsTraced() {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> List.of(
                        Chat.lastUser(r).contains("[[ ## notes ## ]]\ncapital")
                                ? answer("answer", "Paris")
                                : answer("reasoning", "r", "notes", "capital")))
                .build();
        Module p = twoStep().withLm(lm);
        Trace.Traced<Prediction> t = Trace.capture(() -> p.call(Map.of("question", "capital of France?")));
        assertThat(t.value().getString("answer")).isEqualTo("Paris");
        assertThat(t.steps())
                .extracting(Trace.Step::predictor)
                .containsExactly(
                        p.predictors().get("draft.predict"), p.predictors().get("answer.self"));
    }
}
