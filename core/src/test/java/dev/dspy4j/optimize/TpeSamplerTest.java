package dev.dspy4j.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class TpeSamplerTest {

    private static Map<String, Integer> space(int a, int b) {
        Map<String, Integer> s = new LinkedHashMap<>();
        s.put("a", a);
        s.put("b", b);
        return s;
    }

    /** Runs {@code trials} suggest/observe rounds and returns the suggested points. */
    private static List<Map<String, Integer>> run(
            TpeSampler tpe, int trials, ToDoubleFunction<Map<String, Integer>> f) {
        List<Map<String, Integer>> out = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            Map<String, Integer> x = tpe.suggest();
            out.add(x);
            tpe.observe(x, f.applyAsDouble(x));
        }
        return out;
    }

    /** Only one joint choice scores: a=5 together with b=2 (an interaction neither parameter shows alone). */
    private static double needle(Map<String, Integer> x) {
        return x.get("a") == 5 && x.get("b") == 2 ? 1.0 : 0.0;
    }

    @Test
    void goodGroupIsATenthOfTheTrialsRoundedUpBetweenOneAndTwentyFive() {
        assertThat(TpeSampler.goodCount(0)).isEqualTo(1);
        assertThat(TpeSampler.goodCount(1)).isEqualTo(1);
        assertThat(TpeSampler.goodCount(10)).isEqualTo(1);
        assertThat(TpeSampler.goodCount(11)).isEqualTo(2);
        assertThat(TpeSampler.goodCount(250)).isEqualTo(25);
        assertThat(TpeSampler.goodCount(1000)).isEqualTo(25);
    }

    @Test
    void startupSuggestionsAreUniformAndInRange() {
        TpeSampler tpe =
                TpeSampler.builder(space(3, 4)).startupTrials(1000).seed(1).build();
        int[][] counts = new int[3][4];
        for (int i = 0; i < 1200; i++) {
            Map<String, Integer> x = tpe.suggest();
            counts[x.get("a")][x.get("b")]++;
        }
        for (int[] row : counts) {
            for (int c : row) assertThat(c).isBetween(60, 140); // 100 expected per cell
        }
    }

    @Test
    void theGoodTrialsChoiceScoresHighestAndUnseenChoicesScoreBetweenGoodAndBad() {
        TpeSampler tpe = TpeSampler.builder(space(3, 3)).startupTrials(0).build();
        tpe.observe(Map.of("a", 0, "b", 0), 0.9);
        for (int i = 0; i < 9; i++) tpe.observe(Map.of("a", 1, "b", 1), 0.1);

        double good = tpe.acquisition(Map.of("a", 0, "b", 0));
        double unseen = tpe.acquisition(Map.of("a", 2, "b", 2));
        double bad = tpe.acquisition(Map.of("a", 1, "b", 1));
        assertThat(good).isGreaterThan(unseen);
        assertThat(unseen).isGreaterThan(bad);
        // the next suggestion exploits the good point
        assertThat(tpe.suggest()).isEqualTo(Map.of("a", 0, "b", 0));
    }

    @Test
    void afterTheStartupTrialsItConcentratesOnTheBestJointChoiceFarMoreThanRandomSearch() {
        // 8 x 4 = 32 points, one of which scores: random search hits it 1 time in 32
        TpeSampler tpe =
                TpeSampler.builder(space(8, 4)).startupTrials(10).seed(3).build();
        // make sure the startup phase has seen the needle once, as a trial that scored
        tpe.observe(Map.of("a", 5, "b", 2), 1.0);
        List<Map<String, Integer>> xs = run(tpe, 40, TpeSamplerTest::needle);
        long hitsAfterStartup =
                xs.subList(10, 40).stream().filter(x -> needle(x) > 0).count();
        assertThat(hitsAfterStartup).isGreaterThanOrEqualTo(8); // random search: about 1 in 32

        Random random = new Random(3);
        int randomHits = 0;
        for (int i = 0; i < 30; i++) {
            if (random.nextInt(8) == 5 && random.nextInt(4) == 2) randomHits++;
        }
        assertThat(hitsAfterStartup).isGreaterThan(5L * Math.max(1, randomHits));
    }

    @Test
    void sameSeedSameSuggestionsAndADifferentSeedDiffers() {
        List<Map<String, Integer>> a = run(
                TpeSampler.builder(space(6, 6)).startupTrials(4).seed(9).build(),
                30,
                x -> x.get("a") + 0.1 * x.get("b"));
        List<Map<String, Integer>> b = run(
                TpeSampler.builder(space(6, 6)).startupTrials(4).seed(9).build(),
                30,
                x -> x.get("a") + 0.1 * x.get("b"));
        List<Map<String, Integer>> c = run(
                TpeSampler.builder(space(6, 6)).startupTrials(4).seed(10).build(),
                30,
                x -> x.get("a") + 0.1 * x.get("b"));
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
        // a smooth objective is climbed: the top value of the dominant parameter, 1 point in 6 for
        // random search (about 3 of the last 20), is picked far more often
        assertThat(a.subList(10, 30).stream().filter(x -> x.get("a") == 5).count())
                .isGreaterThanOrEqualTo(8);
    }

    @Test
    void aSingleChoiceParameterIsAlwaysZero() {
        TpeSampler tpe = TpeSampler.builder(space(1, 3)).startupTrials(2).build();
        for (Map<String, Integer> x : run(tpe, 12, x -> x.get("b")))
            assertThat(x.get("a")).isZero();
    }

    @Test
    void badInputsAreRefusedWithTheParameterNamed() {
        assertThatThrownBy(() -> TpeSampler.builder(Map.of())).hasMessageContaining("no parameters");
        assertThatThrownBy(() -> TpeSampler.builder(Map.of("demos", 0)))
                .hasMessageContaining("'demos'")
                .hasMessageContaining("at least 1 choice");
        TpeSampler tpe = TpeSampler.builder(space(2, 2)).build();
        assertThatThrownBy(() -> tpe.observe(Map.of("a", 2, "b", 0), 1))
                .hasMessageContaining("'a' has 2 choices (0..1); got 2");
        assertThatThrownBy(() -> tpe.observe(Map.of("a", 0), 1)).hasMessageContaining("exactly the parameters [a, b]");
        assertThatThrownBy(() -> tpe.observe(Map.of("a", 0, "b", 0), Double.NaN))
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> TpeSampler.builder(space(2, 2)).priorWeight(0)).hasMessageContaining("priorWeight");
        assertThatThrownBy(() -> TpeSampler.builder(space(2, 2)).candidates(0)).hasMessageContaining("candidates");
        assertThat(tpe.trials()).isEmpty();
    }
}
