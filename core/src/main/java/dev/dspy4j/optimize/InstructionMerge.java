package dev.dspy4j.optimize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * GEPA's merge step: two candidates that descend from a common ancestor and changed different
 * predictors are combined into one that keeps both changes.
 *
 * <p>A candidate is a map from predictor name to instruction; every candidate has the same names.
 * Two mergeable candidates (not one an ancestor of the other) are drawn at random; their common
 * ancestors that score no better than either of them, and where at least one predictor is unchanged
 * in one descendant and changed in the other, are eligible, and one is drawn with probability
 * proportional to its mean score (uniformly when all are 0). The merged candidate starts from the
 * ancestor and, per predictor: takes the descendant's instruction where only one descendant changed
 * it; the better-scoring descendant's where both changed it differently (a coin flip on a tie); the
 * shared instruction where both agree. A triple (pair, ancestor) is tried once, and a merge that
 * would produce the same combination for the same pair again is skipped. Not thread-safe. Follows
 * the {@code gepa} package's {@code MergeProposer} ({@code find_common_ancestor_pair},
 * {@code sample_and_attempt_merge_programs_by_common_predictors}).
 */
final class InstructionMerge {

    /**
     * A proposed merge.
     *
     * @param instructions the merged candidate
     * @param parent1      the lower-numbered descendant
     * @param parent2      the other descendant
     * @param ancestor     their common ancestor
     */
    record Proposal(Map<String, String> instructions, int parent1, int parent2, int ancestor) {}

    private static final int ATTEMPTS = 10;

    private final Set<List<Integer>> triedTriples = new HashSet<>();
    private final Set<List<Integer>> producedMerges = new HashSet<>();

    /**
     * Proposes a merge, or empty when no eligible pair is found within a few random attempts.
     *
     * @param candidates every candidate so far, by number
     * @param parents    each candidate's parents (empty for the seed)
     * @param means      each candidate's mean dev score
     * @param mergeable  the candidates that may be merged (the frontier's non-dominated ones)
     */
    Optional<Proposal> propose(
            List<Map<String, String>> candidates,
            List<List<Integer>> parents,
            double[] means,
            List<Integer> mergeable,
            Random random) {
        if (mergeable.size() < 2 || candidates.size() < 3) return Optional.empty();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int[] triple = findTriple(candidates, parents, means, mergeable, random);
            if (triple == null) continue;
            int i = triple[0];
            int j = triple[1];
            int anc = triple[2];
            Map<String, String> merged = new LinkedHashMap<>();
            List<Integer> produced = new ArrayList<>(List.of(i, j));
            for (String name : candidates.get(anc).keySet()) {
                String a = candidates.get(anc).get(name);
                String x = candidates.get(i).get(name);
                String y = candidates.get(j).get(name);
                int from;
                if ((a.equals(x) || a.equals(y)) && !x.equals(y)) {
                    from = a.equals(x) ? j : i;
                } else if (!a.equals(x) && !a.equals(y) && !x.equals(y)) {
                    from = means[i] > means[j] ? i : means[j] > means[i] ? j : (random.nextBoolean() ? i : j);
                } else {
                    from = i;
                }
                merged.put(name, candidates.get(from).get(name));
                produced.add(from);
            }
            triedTriples.add(List.of(i, j, anc));
            if (!producedMerges.add(produced)) continue;
            return Optional.of(new Proposal(merged, i, j, anc));
        }
        return Optional.empty();
    }

    private int[] findTriple(
            List<Map<String, String>> candidates,
            List<List<Integer>> parents,
            double[] means,
            List<Integer> mergeable,
            Random random) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            // two distinct positions of the list, drawn uniformly
            int pa = random.nextInt(mergeable.size());
            int pb = random.nextInt(mergeable.size() - 1);
            if (pb >= pa) pb++;
            int i = Math.min(mergeable.get(pa), mergeable.get(pb));
            int j = Math.max(mergeable.get(pa), mergeable.get(pb));
            if (i == j) continue;
            Set<Integer> ai = ancestors(i, parents);
            Set<Integer> aj = ancestors(j, parents);
            if (ai.contains(j) || aj.contains(i)) continue;
            List<Integer> eligible = new ArrayList<>();
            for (int anc : ai) {
                if (!aj.contains(anc) || triedTriples.contains(List.of(i, j, anc))) continue;
                if (means[anc] > means[i] || means[anc] > means[j]) continue;
                if (!changesDiffer(candidates.get(anc), candidates.get(i), candidates.get(j))) continue;
                eligible.add(anc);
            }
            if (eligible.isEmpty()) continue;
            return new int[] {i, j, weighted(eligible, means, random)};
        }
        return null;
    }

    /** True if some predictor is unchanged in one descendant and different between the two. */
    private static boolean changesDiffer(Map<String, String> anc, Map<String, String> x, Map<String, String> y) {
        for (String name : anc.keySet()) {
            String a = anc.get(name);
            if ((a.equals(x.get(name)) || a.equals(y.get(name))) && !x.get(name).equals(y.get(name))) return true;
        }
        return false;
    }

    private static int weighted(List<Integer> options, double[] means, Random random) {
        double total = 0;
        for (int o : options) total += Math.max(0, means[o]);
        if (total <= 0) return options.get(random.nextInt(options.size()));
        double u = random.nextDouble() * total;
        for (int o : options) {
            u -= Math.max(0, means[o]);
            if (u < 0) return o;
        }
        return options.get(options.size() - 1);
    }

    /** Every ancestor of {@code node} (parents, their parents, ...), ascending. */
    static Set<Integer> ancestors(int node, List<List<Integer>> parents) {
        Set<Integer> found = new TreeSet<>();
        List<Integer> todo = new ArrayList<>(parents.get(node));
        while (!todo.isEmpty()) {
            int p = todo.remove(todo.size() - 1);
            if (found.add(p)) todo.addAll(parents.get(p));
        }
        return found;
    }

    /**
     * The dev examples on which to compare a merge with its parents: up to {@code n}, drawn in equal
     * shares from those where the first parent scored higher, where the second did, and where they
     * tie, then topped up from all examples.
     */
    static List<Integer> subsample(double[] first, double[] second, int n, Random random) {
        List<List<Integer>> buckets = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int e = 0; e < first.length; e++) {
            buckets.get(first[e] > second[e] ? 0 : second[e] > first[e] ? 1 : 2).add(e);
        }
        int each = Math.max(1, (int) Math.ceil(n / 3.0));
        List<Integer> chosen = new ArrayList<>();
        for (List<Integer> bucket : buckets) {
            List<Integer> pool = new ArrayList<>(bucket);
            for (int k = 0; k < each && !pool.isEmpty() && chosen.size() < n; k++) {
                chosen.add(pool.remove(random.nextInt(pool.size())));
            }
        }
        List<Integer> rest = new ArrayList<>();
        for (int e = 0; e < first.length; e++) {
            if (!chosen.contains(e)) rest.add(e);
        }
        while (chosen.size() < n && !rest.isEmpty()) chosen.add(rest.remove(random.nextInt(rest.size())));
        return chosen;
    }
}
