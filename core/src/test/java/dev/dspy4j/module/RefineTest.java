package dev.dspy4j.module;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefineTest {

    private static final BestOfN.Reward RIGHT = (in, p) -> p.getString("answer").equals("right") ? 1.0 : 0.0;

    @Test
    void theFeedbackOnAFailedAttemptIsPassedAsAHintToTheNext() {
        ScriptedLm lm = ScriptedLm.of(answer("answer", "wrong"), answer("answer", "right"), answer("answer", "never"));
        Predict qa = Predict.of("question -> answer").withLm(lm);
        Prediction p = Refine.of(qa, 3, RIGHT, 1.0).call(Map.of("question", "Which way?"));

        assertThat(p.getString("answer")).isEqualTo("right");
        List<LmRequest> rs = lm.requests();
        assertThat(rs).hasSize(2);
        assertThat(rs).extracting(LmRequest::rolloutId).containsExactly("refine-0", "refine-1");
        assertThat(rs.get(0).prompt().messages().get(0).text()).doesNotContain("hint");
        assertThat(Chat.lastUser(rs.get(0))).doesNotContain("hint");
        assertThat(rs.get(1).prompt().messages().get(0).text())
                .contains("- `hint` (str): Advice from an earlier attempt");
        assertThat(Chat.input(rs.get(1), "question")).isEqualTo("Which way?");
        assertThat(Chat.input(rs.get(1), "hint"))
                .isEqualTo(
                        "The previous attempt answered: answer: wrong. Its score was 0.0, below the target of 1.0. Give a better answer.");
        // the module itself is unchanged
        assertThat(qa.signature().input("hint")).isEmpty();
    }

    @Test
    void aCustomFeedbackFunctionAndDemosStayComplete() {
        ScriptedLm lm = ScriptedLm.of(answer("answer", "left"), answer("answer", "up"), answer("answer", "right"));
        Predict qa = Predict.of("question -> answer")
                .withLm(lm)
                .withDemos(List.of(
                        Example.of("question", "Which hand?", "answer", "right").withInputs("question")));
        Refine refine = Refine.builder(qa, 3, RIGHT, 1.0)
                .feedback((in, pred, reward, threshold) ->
                        "Not " + pred.getString("answer") + " for " + in.get("question"))
                .build();
        Prediction p = refine.call(Map.of("question", "Which way?"));

        assertThat(p.getString("answer")).isEqualTo("right");
        assertThat(Chat.input(lm.requests().get(1), "hint")).isEqualTo("Not left for Which way?");
        assertThat(Chat.input(lm.requests().get(2), "hint")).isEqualTo("Not up for Which way?");
        // the demo shows N/A for the hint and is not flagged as partial
        String demoUser = Chat.text(lm.requests().get(1).prompt().messages().get(1));
        assertThat(demoUser).isEqualTo("[[ ## question ## ]]\nWhich hand?\n\n[[ ## hint ## ]]\nN/A");
    }

    @Test
    void feedbackThatThrowsCountsAsAFailedAttemptInsteadOfAbortingTheRun() {
        ScriptedLm lm = ScriptedLm.of(answer("answer", "wrong"), answer("answer", "right"));
        Predict qa = Predict.of("question -> answer").withLm(lm);
        int[] calls = {0};
        Refine.Feedback flaky = (in, pred, reward, threshold) -> {
            if (calls[0]++ == 0) throw new IllegalStateException("advisor LM unavailable");
            return "Try the other way.";
        };
        Prediction p = Refine.builder(qa, 3, RIGHT, 1.0).feedback(flaky).build().call(Map.of("question", "Which way?"));

        assertThat(p.getString("answer")).isEqualTo("right");
        assertThat(lm.requests()).extracting(LmRequest::rolloutId).containsExactly("refine-0", "refine-2");
        assertThat(Chat.input(lm.requests().get(1), "hint")).isEqualTo("Try the other way.");

        // with no failures allowed, the feedback's exception is rethrown
        ScriptedLm lm2 = ScriptedLm.of(answer("answer", "wrong"), answer("answer", "right"));
        Refine strict = Refine.builder(qa.withLm(lm2), 3, RIGHT, 1.0)
                .failCount(0)
                .feedback((in, pred, reward, threshold) -> {
                    throw new IllegalStateException("advisor LM unavailable");
                })
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> strict.call(Map.of("question", "Which way?")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("advisor LM unavailable");
    }

    @Test
    void theHintReachesEveryPredictorOfAComposedModule() {
        ScriptedLm lm = ScriptedLm.of(
                answer("reasoning", "r1", "answer", "wrong"), answer("reasoning", "r2", "answer", "right"));
        ChainOfThought cot = ChainOfThought.of("question -> answer");
        Module refine = Refine.of(cot, 2, RIGHT, 1.0).withLm(lm);
        Trace.Traced<Prediction> t = Trace.capture(() -> refine.call(Map.of("question", "q")));
        assertThat(t.value().getString("answer")).isEqualTo("right");
        assertThat(Chat.input(lm.requests().get(1), "hint"))
                .startsWith("The previous attempt answered: reasoning: r1; answer: wrong.");
        // the trace holds only the chosen attempt, attributed to the refined module's predictor, without the hint
        assertThat(t.steps()).hasSize(1);
        assertThat(t.steps().get(0).predictor()).isSameAs(refine.predictors().get("predict"));
        assertThat(t.steps().get(0).inputs()).containsOnlyKeys("question");
    }
}
