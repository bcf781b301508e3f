package dev.dspy4j.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParetoFrontierTest {

    @Test
    void eachExamplesFrontHoldsTheCandidatesWithItsTopScoreTiesIncluded() {
        ParetoFrontier f = new ParetoFrontier(3);
        assertThat(f.add(new double[] {1, 0, 0})).isZero();
        assertThat(f.add(new double[] {0, 1, 0})).isEqualTo(1);
        assertThat(f.add(new double[] {1, 0, 0})).isEqualTo(2);
        assertThat(f.fronts()).containsExactly(Set.of(0, 2), Set.of(1), Set.of(0, 1, 2));
        assertThat(f.mean(1)).isEqualTo(1.0 / 3);
    }

    @Test
    void aCandidateWhoseEveryFrontHasAnotherKeptCandidateIsDominated() {
        ParetoFrontier f = new ParetoFrontier(4);
        f.add(new double[] {0.5, 0.5, 0.5, 0.5}); // 0: the seed, best nowhere once others come
        f.add(new double[] {1, 1, 0, 0.5}); // 1: best on examples 0, 1 (and ties on 3)
        f.add(new double[] {0, 0, 1, 0.5}); // 2: uniquely best on example 2
        f.add(new double[] {1, 0, 0, 0}); // 3: best on example 0 only, together with 1
        // 0 sits only on example 3's front, shared with 1 and 2; 3 sits only on example 0's, shared with 1
        assertThat(f.dominators()).containsExactly(1, 2);
        assertThat(f.frequencies()).containsExactly(Map.entry(1, 3), Map.entry(2, 2));
    }

    @Test
    void removalStartsFromTheLowestMeanSoOneOfTwoIdenticalCandidatesSurvives() {
        ParetoFrontier f = new ParetoFrontier(2);
        f.add(new double[] {1, 0});
        f.add(new double[] {1, 0});
        f.add(new double[] {0, 1});
        // 0 and 1 share every front; 0 is tried first (same mean, lower number) and removed
        assertThat(f.dominators()).containsExactly(1, 2);
    }

    @Test
    void selectionIsProportionalToTheNumberOfFrontsAndNeverPicksADominatedCandidate() {
        ParetoFrontier f = new ParetoFrontier(4);
        f.add(new double[] {0, 0, 0, 0});
        f.add(new double[] {1, 1, 1, 0});
        f.add(new double[] {0, 0, 0, 1});
        Random random = new Random(5);
        int[] counts = new int[3];
        for (int i = 0; i < 4000; i++) counts[f.select(random)]++;
        assertThat(counts[0]).isZero();
        assertThat(counts[1]).isBetween(2800, 3200); // 3 fronts of 4
        assertThat(counts[2]).isBetween(800, 1200); // 1 front of 4
    }

    @Test
    void bestIsTheHighestMeanAndTheEarlierCandidateOnATie() {
        ParetoFrontier f = new ParetoFrontier(2);
        assertThat(f.best()).isEqualTo(-1);
        f.add(new double[] {0.5, 0.5});
        f.add(new double[] {1, 0});
        assertThat(f.best()).isZero();
        f.add(new double[] {1, 0.5});
        assertThat(f.best()).isEqualTo(2);
    }

    @Test
    void whenEveryCandidateFailsEverywhereAllTieAndOneIsKept() {
        ParetoFrontier f = new ParetoFrontier(2);
        f.add(new double[] {0, 0});
        f.add(new double[] {0, 0});
        assertThat(f.dominators()).containsExactly(1);
        assertThat(f.select(new Random(1))).isEqualTo(1);
    }

    @Test
    void badInputsAreRefused() {
        assertThatThrownBy(() -> new ParetoFrontier(0)).hasMessageContaining("at least 1 example");
        ParetoFrontier f = new ParetoFrontier(2);
        assertThatThrownBy(() -> f.add(new double[] {1})).hasMessageContaining("expected 2 per-example scores, got 1");
        assertThatThrownBy(() -> f.add(new double[] {1, Double.NaN})).hasMessageContaining("NaN");
        assertThatThrownBy(() -> f.select(new Random())).hasMessageContaining("no candidates");
        assertThat(List.of(f.size())).containsExactly(0);
    }
}
