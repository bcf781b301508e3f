package dev.dspy4j.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstructionMergeTest {

    private static Map<String, String> cand(String draft, String answer) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("draft", draft);
        m.put("answer", answer);
        return m;
    }

    /** 0 is the seed; 1 changed draft; 2 changed answer; both descend from 0. */
    private static final List<Map<String, String>> SIBLINGS =
            List.of(cand("d0", "a0"), cand("d1", "a0"), cand("d0", "a2"));

    private static final List<List<Integer>> SIBLING_PARENTS = List.of(List.of(), List.of(0), List.of(0));

    @Test
    void siblingsThatChangedDifferentPredictorsMergeIntoOneWithBothChanges() {
        Optional<InstructionMerge.Proposal> p = new InstructionMerge()
                .propose(SIBLINGS, SIBLING_PARENTS, new double[] {0.2, 0.5, 0.5}, List.of(1, 2), new Random(1));
        assertThat(p).isPresent();
        assertThat(p.get().instructions()).containsExactly(Map.entry("draft", "d1"), Map.entry("answer", "a2"));
        assertThat(List.of(p.get().parent1(), p.get().parent2(), p.get().ancestor()))
                .containsExactly(1, 2, 0);
    }

    @Test
    void aTripleIsTriedOnceThenNothingIsLeft() {
        InstructionMerge merge = new InstructionMerge();
        double[] means = {0.2, 0.5, 0.5};
        assertThat(merge.propose(SIBLINGS, SIBLING_PARENTS, means, List.of(1, 2), new Random(1)))
                .isPresent();
        assertThat(merge.propose(SIBLINGS, SIBLING_PARENTS, means, List.of(1, 2), new Random(2)))
                .isEmpty();
    }

    @Test
    void anAncestorThatScoresBetterThanADescendantIsNotUsed() {
        assertThat(new InstructionMerge()
                        .propose(SIBLINGS, SIBLING_PARENTS, new double[] {0.6, 0.5, 0.7}, List.of(1, 2), new Random(1)))
                .isEmpty();
    }

    @Test
    void aCandidateIsNotMergedWithItsOwnAncestor() {
        // 0 -> 1 -> 2: a line, no siblings
        List<Map<String, String>> line = List.of(cand("d0", "a0"), cand("d1", "a0"), cand("d1", "a2"));
        assertThat(new InstructionMerge()
                        .propose(
                                line,
                                List.of(List.of(), List.of(0), List.of(1)),
                                new double[] {0.1, 0.2, 0.3},
                                List.of(0, 1, 2),
                                new Random(1)))
                .isEmpty();
    }

    @Test
    void descendantsThatOnlyChangedTheSamePredictorHaveNothingToCombine() {
        List<Map<String, String>> same = List.of(cand("d0", "a0"), cand("d1", "a0"), cand("d2", "a0"));
        assertThat(new InstructionMerge()
                        .propose(same, SIBLING_PARENTS, new double[] {0.1, 0.2, 0.3}, List.of(1, 2), new Random(1)))
                .isEmpty();
    }

    @Test
    void whereBothChangedAPredictorTheBetterDescendantsInstructionIsKept() {
        // 1 changed draft and answer; 2 changed only answer (differently): draft from 1 (2 kept the
        // ancestor's), answer from the better of the two
        List<Map<String, String>> c = List.of(cand("d0", "a0"), cand("d1", "a1"), cand("d0", "a2"));
        Optional<InstructionMerge.Proposal> p = new InstructionMerge()
                .propose(c, SIBLING_PARENTS, new double[] {0.1, 0.3, 0.6}, List.of(1, 2), new Random(4));
        assertThat(p).isPresent();
        assertThat(p.get().instructions()).containsExactly(Map.entry("draft", "d1"), Map.entry("answer", "a2"));
    }

    @Test
    void grandchildrenOnDifferentBranchesMergeThroughTheirCommonAncestor() {
        // 0 -> 1 (draft), 0 -> 2 (answer), 1 -> 3 (draft again), 2 -> 4 (answer again)
        List<Map<String, String>> c = new ArrayList<>(
                List.of(cand("d0", "a0"), cand("d1", "a0"), cand("d0", "a2"), cand("d3", "a0"), cand("d0", "a4")));
        List<List<Integer>> parents = List.of(List.of(), List.of(0), List.of(0), List.of(1), List.of(2));
        Optional<InstructionMerge.Proposal> p = new InstructionMerge()
                .propose(c, parents, new double[] {0.1, 0.2, 0.2, 0.4, 0.4}, List.of(3, 4), new Random(7));
        assertThat(p).isPresent();
        assertThat(p.get().ancestor()).isZero();
        assertThat(p.get().instructions()).containsExactly(Map.entry("draft", "d3"), Map.entry("answer", "a4"));
    }

    @Test
    void theSubsampleDrawsEquallyFromWhereEachParentWinsAndFromTies() {
        double[] first = {1, 1, 1, 0, 0, 0, 1, 1, 1};
        double[] second = {0, 0, 0, 1, 1, 1, 1, 1, 1};
        List<Integer> s = InstructionMerge.subsample(first, second, 6, new Random(3));
        assertThat(s).hasSize(6).doesNotHaveDuplicates();
        assertThat(s.stream().filter(e -> e < 3).count()).isEqualTo(2);
        assertThat(s.stream().filter(e -> e >= 3 && e < 6).count()).isEqualTo(2);
        assertThat(s.stream().filter(e -> e >= 6).count()).isEqualTo(2);
        // fewer examples than asked: every one once
        assertThat(InstructionMerge.subsample(new double[] {1, 0}, new double[] {0, 1}, 5, new Random(3)))
                .containsExactlyInAnyOrder(0, 1);
    }

    @Test
    void ancestorsFollowEveryParent() {
        List<List<Integer>> parents = List.of(List.of(), List.of(0), List.of(0), List.of(1, 2), List.of(3));
        assertThat(InstructionMerge.ancestors(4, parents)).containsExactly(0, 1, 2, 3);
        assertThat(InstructionMerge.ancestors(0, parents)).isEmpty();
    }
}
