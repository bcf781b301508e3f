package dev.dspy4j.module;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.ScriptedLm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BestOfNTest {

    private static final BestOfN.Reward NUMBER = (in, p) -> Double.parseDouble(p.getString("answer"));

    @Test
    void stopsAtTheFirstAttemptReachingTheThreshold() {
        ScriptedLm lm = ScriptedLm.of(answer("answer", "1"), answer("answer", "5"), answer("answer", "9"));
        Predict qa = Predict.of("question -> answer").withLm(lm);
        Prediction p = BestOfN.of(qa, 3, NUMBER, 4.0).call(Map.of("question", "pick a number"));

        assertThat(p.getString("answer")).isEqualTo("5");
        assertThat(lm.requests()).hasSize(2);
        assertThat(lm.requests()).extracting(LmRequest::rolloutId).containsExactly("attempt-0", "attempt-1");
        assertThat(lm.requests()).allSatisfy(r -> assertThat(r.params()).containsEntry("temperature", 1.0));
    }

    @Test
    void returnsTheBestAttemptWhenNoneReachesTheThreshold() {
        ScriptedLm lm = ScriptedLm.of(answer("answer", "3"), answer("answer", "7"), answer("answer", "2"));
        Prediction p = BestOfN.of(Predict.of("question -> answer").withLm(lm), 3, NUMBER, 100)
                .call(Map.of("question", "q"));
        assertThat(p.getString("answer")).isEqualTo("7");
        assertThat(lm.requests()).hasSize(3);
    }

    @Test
    void rolloutIdsExtendThePredictorsOwnAndTemperatureCanBeKept() {
        ScriptedLm lm = ScriptedLm.of(answer("answer", "1"), answer("answer", "2"));
        Predict qa =
                Predict.of("question -> answer").withLm(lm).withRolloutId("r7").withParam("temperature", 0.3);
        BestOfN.builder(qa, 2, NUMBER, 10).temperature(null).build().call(Map.of("question", "q"));
        assertThat(lm.requests()).extracting(LmRequest::rolloutId).containsExactly("r7/attempt-0", "r7/attempt-1");
        assertThat(lm.requests()).allSatisfy(r -> assertThat(r.params()).containsEntry("temperature", 0.3));
    }

    @Test
    void failedAttemptsAreSkippedUpToTheFailCount() {
        int[] calls = {0};
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    if (calls[0]++ == 0) throw new IllegalStateException("flaky");
                    return List.of(answer("answer", "8"));
                })
                .build();
        Predict qa = Predict.of("question -> answer").withLm(lm);
        assertThat(BestOfN.of(qa, 3, NUMBER, 5).call(Map.of("question", "q")).getString("answer"))
                .isEqualTo("8");

        calls[0] = 0;
        assertThatThrownBy(() ->
                        BestOfN.builder(qa, 3, NUMBER, 5).failCount(0).build().call(Map.of("question", "q")))
                .hasMessage("flaky");
        ScriptedLm down = ScriptedLm.builder()
                .respond(r -> {
                    throw new IllegalStateException("down");
                })
                .build();
        assertThatThrownBy(() -> BestOfN.of(qa.withLm(down), 2, NUMBER, 5).call(Map.of("question", "q")))
                .hasMessage("down");
    }

    @Test
    void onlyTheChosenAttemptIsTracedAgainstTheOriginalPredictor() {
        ScriptedLm lm = ScriptedLm.of(answer("answer", "1"), answer("answer", "6"));
        Predict qa = Predict.of("question -> answer").withLm(lm);
        BestOfN best = BestOfN.of(qa, 3, NUMBER, 5);
        Trace.Traced<Prediction> t = Trace.capture(() -> best.call(Map.of("question", "q")));
        assertThat(t.steps()).hasSize(1);
        assertThat(t.steps().get(0).predictor()).isSameAs(qa);
        assertThat(t.steps().get(0).outputs().getString("answer")).isEqualTo("6");
        assertThat(best.predictors()).containsOnlyKeys("self");
        assertThat(best.withLm(lm).predictors().get("self").lm()).isSameAs(lm);
    }
}
