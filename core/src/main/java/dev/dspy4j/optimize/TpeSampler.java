package dev.dspy4j.optimize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A Tree-structured Parzen Estimator (Bergstra et al., 2011) over categorical parameters, maximizing a
 * score: the search {@link MIPROv2} runs over instruction and demo-set indices, as DSPy's MIPROv2 runs
 * Optuna's {@code TPESampler(multivariate=True)}.
 *
 * <p>The space maps each parameter name to its number of choices; a point gives each parameter an
 * index in {@code [0, choices)}. The first {@link Builder#startupTrials} suggestions are uniform at
 * random. After that, the observed trials are split by score: the best {@code γ(n) = min(⌈n/10⌉, 25)}
 * (at least one) form the good group, the rest the bad group. Each group gives a density over whole
 * points: a mixture with one component per trial of the group (weight 1) plus a uniform prior
 * component (weight {@link Builder#priorWeight}). A trial's component picks, for each parameter, the
 * trial's own choice with weight 1 and every choice with weight {@code priorWeight / (groupSize + 1)}
 * (smoothing, so no choice has zero density). {@link Builder#candidates} points are drawn from the
 * good density and the one with the largest {@code log l(x) − log g(x)} is suggested (the first drawn
 * wins a tie). Because components span all parameters, choices that work together are proposed
 * together (the multivariate form).
 *
 * <p>Deterministic: the same seed and the same sequence of calls give the same suggestions.
 * Thread-safe (calls are serialized).
 *
 * <p>Why not a library: no maintained JVM library offers TPE over categorical spaces (Optuna and
 * Hyperopt are Python; the JVM's SMAC release is unmaintained; Smile and Commons Math have no
 * Bayesian search), and the estimator is a few dozen lines.
 */
final class TpeSampler {

    /**
     * One observed trial.
     *
     * @param params the point, parameter name to choice index
     * @param score  its score (higher is better)
     */
    public record Trial(Map<String, Integer> params, double score) {
        public Trial {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }
    }

    private final List<String> names;
    private final int[] choices;
    private final int startupTrials;
    private final int candidates;
    private final double priorWeight;
    private final Random random;
    private final List<int[]> points = new ArrayList<>();
    private final List<Double> scores = new ArrayList<>();

    private TpeSampler(Builder b) {
        this.names = List.copyOf(b.space.keySet());
        this.choices = b.space.values().stream().mapToInt(Integer::intValue).toArray();
        this.startupTrials = b.startupTrials;
        this.candidates = b.candidates;
        this.priorWeight = b.priorWeight;
        this.random = new Random(b.seed);
    }

    /**
     * A builder over {@code space}: parameter name to its number of choices (each at least 1), in a
     * stable order.
     *
     * @throws IllegalArgumentException for an empty space or a parameter with fewer than 1 choice
     */
    public static Builder builder(Map<String, Integer> space) {
        return new Builder(space);
    }

    /** The parameter names, in the space's order. */
    public List<String> parameters() {
        return names;
    }

    /** The next point to try. */
    public synchronized Map<String, Integer> suggest() {
        int[] x;
        if (points.size() < startupTrials) {
            x = new int[choices.length];
            for (int d = 0; d < choices.length; d++) x[d] = random.nextInt(choices[d]);
        } else {
            x = bestCandidate();
        }
        return toMap(x);
    }

    /**
     * Records a trial's score; every observed trial shapes later suggestions, whether or not it was
     * suggested here (MIPROv2 adds the default program's score and its full evaluations this way).
     *
     * @throws IllegalArgumentException for a point that misses a parameter, has an unknown one or an
     *                                  index out of range, or a score that is NaN or infinite
     */
    public synchronized void observe(Map<String, Integer> params, double score) {
        Objects.requireNonNull(params, "params");
        if (Double.isNaN(score) || Double.isInfinite(score)) {
            throw new IllegalArgumentException("score must be a finite number, not " + score);
        }
        if (!params.keySet().equals(new java.util.HashSet<>(names))) {
            throw new IllegalArgumentException(
                    "a trial must give exactly the parameters " + names + "; got " + params.keySet());
        }
        int[] x = new int[choices.length];
        for (int d = 0; d < choices.length; d++) {
            Integer v = params.get(names.get(d));
            if (v == null || v < 0 || v >= choices[d]) {
                throw new IllegalArgumentException("parameter '" + names.get(d) + "' has " + choices[d]
                        + " choices (0.." + (choices[d] - 1) + "); got " + v);
            }
            x[d] = v;
        }
        points.add(x);
        scores.add(score);
    }

    /** The trials observed so far, oldest first. */
    public synchronized List<Trial> trials() {
        List<Trial> out = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) out.add(new Trial(toMap(points.get(i)), scores.get(i)));
        return out;
    }

    /** The size of the good group for {@code n} trials: {@code min(⌈n/10⌉, 25)}, at least 1. */
    static int goodCount(int n) {
        return Math.max(1, Math.min((int) Math.ceil(0.1 * n), 25));
    }

    /** {@code log l(x) − log g(x)} for the current trials; larger means more promising. */
    synchronized double acquisition(Map<String, Integer> params) {
        int[] x = new int[choices.length];
        for (int d = 0; d < choices.length; d++) x[d] = params.get(names.get(d));
        List<List<int[]>> groups = split();
        return logDensity(groups.get(0), x) - logDensity(groups.get(1), x);
    }

    private int[] bestCandidate() {
        List<List<int[]>> groups = split();
        List<int[]> good = groups.get(0);
        List<int[]> bad = groups.get(1);
        int[] best = null;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < candidates; i++) {
            int[] x = sample(good);
            double v = logDensity(good, x) - logDensity(bad, x);
            if (best == null || v > bestValue) {
                best = x;
                bestValue = v;
            }
        }
        return best;
    }

    /** The good group (best scores first; an earlier trial wins a tie) and the bad group. */
    private List<List<int[]>> split() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) order.add(i);
        order.sort(Comparator.comparingDouble((Integer i) -> -scores.get(i)).thenComparingInt(i -> i));
        int k = Math.min(goodCount(points.size()), points.size());
        List<int[]> good = new ArrayList<>();
        List<int[]> bad = new ArrayList<>();
        for (int r = 0; r < order.size(); r++) (r < k ? good : bad).add(points.get(order.get(r)));
        return List.of(good, bad);
    }

    /** Draws a point from a group's mixture: a component (a trial or the prior), then each parameter. */
    private int[] sample(List<int[]> group) {
        double total = group.size() + priorWeight;
        double u = random.nextDouble() * total;
        int[] x = new int[choices.length];
        if (u >= group.size()) { // the prior component
            for (int d = 0; d < choices.length; d++) x[d] = random.nextInt(choices[d]);
            return x;
        }
        int[] center = group.get((int) u);
        double smoothing = smoothing(group);
        for (int d = 0; d < choices.length; d++) {
            double mass = 1 + smoothing * choices[d];
            double v = random.nextDouble() * mass;
            // weight 1 on the trial's choice, then `smoothing` on every choice in order
            if (v < 1) {
                x[d] = center[d];
            } else {
                x[d] = Math.min(choices[d] - 1, (int) ((v - 1) / smoothing));
            }
        }
        return x;
    }

    private double logDensity(List<int[]> group, int[] x) {
        double smoothing = smoothing(group);
        double uniform = 1;
        for (int c : choices) uniform /= c;
        double sum = priorWeight * uniform;
        for (int[] center : group) {
            double p = 1;
            for (int d = 0; d < choices.length; d++) {
                p *= ((center[d] == x[d] ? 1 : 0) + smoothing) / (1 + smoothing * choices[d]);
            }
            sum += p;
        }
        return Math.log(sum / (group.size() + priorWeight));
    }

    private double smoothing(List<int[]> group) {
        return priorWeight / (group.size() + 1);
    }

    private Map<String, Integer> toMap(int[] x) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int d = 0; d < x.length; d++) m.put(names.get(d), x[d]);
        return Collections.unmodifiableMap(m);
    }

    /** Builds a {@link TpeSampler}. */
    public static final class Builder {
        private final Map<String, Integer> space;
        private int startupTrials = 10;
        private int candidates = 24;
        private double priorWeight = 1.0;
        private long seed;

        private Builder(Map<String, Integer> space) {
            Objects.requireNonNull(space, "space");
            if (space.isEmpty()) throw new IllegalArgumentException("the search space has no parameters");
            space.forEach((name, n) -> {
                if (name == null || n == null || n < 1) {
                    throw new IllegalArgumentException(
                            "parameter '" + name + "' must have at least 1 choice; got " + n);
                }
            });
            this.space = new LinkedHashMap<>(space);
        }

        /** Suggestions drawn uniformly while fewer trials than this are observed (default 10, as Optuna's). */
        public Builder startupTrials(int n) {
            if (n < 0) throw new IllegalArgumentException("startupTrials must be >= 0, not " + n);
            this.startupTrials = n;
            return this;
        }

        /** Points drawn from the good density per suggestion (default 24, as Optuna's). */
        public Builder candidates(int n) {
            if (n < 1) throw new IllegalArgumentException("candidates must be at least 1, not " + n);
            this.candidates = n;
            return this;
        }

        /** The weight of the uniform prior, and of the smoothing (default 1.0; must be positive). */
        public Builder priorWeight(double w) {
            if (!(w > 0) || Double.isInfinite(w))
                throw new IllegalArgumentException("priorWeight must be positive, not " + w);
            this.priorWeight = w;
            return this;
        }

        /** The seed (default 0). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public TpeSampler build() {
            return new TpeSampler(this);
        }
    }
}
