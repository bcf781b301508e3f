package dev.dspy4j.optimize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * GEPA's per-example Pareto frontier over candidates. Every candidate is scored on the same dev
 * examples; for each example, the candidates with the highest score on it form that example's front.
 * A candidate is kept as a parent only if it is not dominated: a candidate is dominated when every
 * front it sits on also holds another kept candidate. Candidates are tried for removal from the lowest
 * mean score up (the lower index first on a tie), one at a time, until none can be removed.
 * {@link #select(Random)} draws a kept candidate with probability proportional to the number of
 * fronts it sits on, so a candidate that is best on many examples is chosen often, and one that is
 * uniquely best on a single hard example still gets its turn.
 *
 * <p>Candidates are numbered from 0 in the order they are added. Not thread-safe. Follows the
 * {@code gepa} package's {@code remove_dominated_programs} and
 * {@code select_program_candidate_from_pareto_front}.
 */
final class ParetoFrontier {
    private final int examples;
    private final List<double[]> scores = new ArrayList<>();

    /** A frontier over {@code examples} dev examples (at least 1). */
    ParetoFrontier(int examples) {
        if (examples < 1)
            throw new IllegalArgumentException("a Pareto frontier needs at least 1 example, not " + examples);
        this.examples = examples;
    }

    /**
     * Adds a candidate's per-example scores (in dev-set order) and returns its number.
     *
     * @throws IllegalArgumentException when the number of scores differs from the number of examples,
     *                                  or a score is NaN
     */
    int add(double[] perExample) {
        if (perExample.length != examples) {
            throw new IllegalArgumentException(
                    "expected " + examples + " per-example scores, got " + perExample.length);
        }
        for (double s : perExample) {
            if (Double.isNaN(s)) throw new IllegalArgumentException("a per-example score is NaN");
        }
        scores.add(perExample.clone());
        return scores.size() - 1;
    }

    int size() {
        return scores.size();
    }

    /** A candidate's per-example scores. */
    double[] scores(int candidate) {
        return scores.get(candidate).clone();
    }

    /** A candidate's mean score over the examples. */
    double mean(int candidate) {
        double sum = 0;
        for (double s : scores.get(candidate)) sum += s;
        return sum / examples;
    }

    /** The candidate with the highest mean score (the lower number on a tie); -1 when empty. */
    int best() {
        int best = -1;
        for (int c = 0; c < scores.size(); c++) {
            if (best < 0 || mean(c) > mean(best)) best = c;
        }
        return best;
    }

    /** For each example, the candidates with the highest score on it. */
    List<Set<Integer>> fronts() {
        List<Set<Integer>> fronts = new ArrayList<>(examples);
        for (int e = 0; e < examples; e++) {
            double top = Double.NEGATIVE_INFINITY;
            for (double[] s : scores) top = Math.max(top, s[e]);
            Set<Integer> front = new LinkedHashSet<>();
            for (int c = 0; c < scores.size(); c++) {
                if (scores.get(c)[e] == top) front.add(c);
            }
            fronts.add(front);
        }
        return fronts;
    }

    /** The candidates that are not dominated, in ascending number. */
    List<Integer> dominators() {
        return new ArrayList<>(frequencies().keySet());
    }

    /**
     * For each candidate that is not dominated (ascending number), the number of examples on whose
     * front it sits.
     */
    Map<Integer, Integer> frequencies() {
        List<Set<Integer>> fronts = fronts();
        Set<Integer> onSomeFront = new LinkedHashSet<>();
        fronts.forEach(onSomeFront::addAll);
        List<Integer> order = new ArrayList<>(onSomeFront);
        order.sort(Comparator.comparingDouble(this::mean).thenComparingInt(c -> c));
        Set<Integer> kept = new LinkedHashSet<>(order);
        boolean removed = true;
        while (removed) {
            removed = false;
            for (int y : order) {
                if (kept.contains(y) && dominated(y, kept, fronts)) {
                    kept.remove(y);
                    removed = true;
                    break;
                }
            }
        }
        Map<Integer, Integer> freq = new LinkedHashMap<>();
        for (int c = 0; c < scores.size(); c++) {
            if (!kept.contains(c)) continue;
            int n = 0;
            for (Set<Integer> front : fronts) {
                if (front.contains(c)) n++;
            }
            freq.put(c, n);
        }
        return freq;
    }

    /** A non-dominated candidate, drawn with probability proportional to its number of fronts. */
    int select(Random random) {
        if (scores.isEmpty()) throw new IllegalStateException("the frontier has no candidates");
        Map<Integer, Integer> freq = frequencies();
        int total = freq.values().stream().mapToInt(Integer::intValue).sum();
        int u = random.nextInt(total);
        for (Map.Entry<Integer, Integer> e : freq.entrySet()) {
            u -= e.getValue();
            if (u < 0) return e.getKey();
        }
        throw new AssertionError("unreachable");
    }

    /** True if every front holding {@code y} also holds another kept candidate. */
    private static boolean dominated(int y, Set<Integer> kept, List<Set<Integer>> fronts) {
        for (Set<Integer> front : fronts) {
            if (!front.contains(y)) continue;
            boolean other = false;
            for (int c : front) {
                if (c != y && kept.contains(c)) {
                    other = true;
                    break;
                }
            }
            if (!other) return false;
        }
        return true;
    }
}
