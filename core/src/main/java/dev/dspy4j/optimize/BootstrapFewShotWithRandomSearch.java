package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.EvaluationResult;
import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.module.Module;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Tries several demo sets and keeps the one that scores best on the dev set, as DSPy's
 * {@code BootstrapFewShotWithRandomSearch}. The candidates, in order: zero-shot (the student with no
 * demos), labeled-only ({@link LabeledFewShot} with {@code maxLabeledDemos}), {@link BootstrapFewShot}
 * on the training set as given, then {@code numCandidatePrograms} bootstraps, the i-th on the
 * training set shuffled with seed {@code seed + i} and keeping between 1 and
 * {@code maxBootstrappedDemos} traces (drawn with the same seed). Each is scored on the dev set
 * (the training set when none is given); the first best is returned. The student is untouched.
 *
 * <p>Budget ({@link OptimizerBuilder}): a trial is one candidate; a metric call is one dev example
 * scored (the metric calls made while bootstrapping are not counted). A candidate is only
 * bootstrapped if its dev evaluation still fits in the metric-call budget. {@code auto} sets the
 * number of shuffled candidates to the preset's (6, 12, 18). When stopped, the best so far is
 * returned.
 *
 * <p>Deterministic for a given seed and a deterministic (or cached) LM, whatever the number of threads.
 */
public final class BootstrapFewShotWithRandomSearch implements Optimizer {
    /** The name in progress reports and trial logs. */
    public static final String NAME = "BootstrapFewShotWithRandomSearch";

    private final Metric metric;
    private final Double threshold;
    private final int maxBootstrappedDemos;
    private final int maxLabeledDemos;
    private final int maxRounds;
    private final int numCandidatePrograms;
    private final Module teacher;
    private final List<Example> valset;
    private final Double stopAtScore;
    private final long seed;
    private final int maxErrors;
    private final RunSettings settings;

    private BootstrapFewShotWithRandomSearch(Builder b) {
        this.metric = b.metric;
        this.threshold = b.threshold;
        this.maxBootstrappedDemos = b.maxBootstrappedDemos;
        this.maxLabeledDemos = b.maxLabeledDemos;
        this.maxRounds = b.maxRounds;
        Budget budget = b.runSettings().budget();
        this.numCandidatePrograms = budget.auto() != null ? budget.auto().candidates() : b.numCandidatePrograms;
        this.teacher = b.teacher;
        this.valset = b.valset;
        this.stopAtScore = b.stopAtScore;
        this.seed = b.seed;
        this.maxErrors = b.maxErrors;
        this.settings = b.runSettings();
    }

    /**
     * A builder with DSPy's defaults: 4 bootstrapped and 16 labeled demos, 16 shuffled candidates.
     *
     * @param metric decides which bootstrapped runs pass and scores the candidates
     * @return the builder
     */
    public static Builder builder(Metric metric) {
        return new Builder(metric);
    }

    /**
     * {@inheritDoc} Candidate seeds -3, -2 and -1 are DSPy's zero-shot, labeled-only and unshuffled
     * bootstrap baselines.
     *
     * @return the first best-scoring candidate, or the student if none was scored
     * @throws IllegalArgumentException if the training set is empty, or as {@link BootstrapFewShot#compile}
     * @throws IllegalStateException if a bootstrap fails after {@link Builder#maxErrors} teacher runs
     */
    @Override
    public Module compile(Module student, List<Example> trainset) {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(trainset, "trainset");
        if (trainset.isEmpty()) throw new IllegalArgumentException("the training set is empty");
        List<Example> dev = valset != null ? valset : trainset;
        OptimizerRun run = OptimizerRun.start(NAME, metric, settings);
        try {
            for (int s = -3; s < numCandidatePrograms; s++) {
                run.checkStop();
                if (!run.canAfford(dev.size())) throw new OptimizationStopped("budget");
                int candidateSeed = s;
                Module program = run.traced(() -> candidate(candidateSeed, student, trainset));
                EvaluationResult result = run.evaluate(program, dev);
                Map<String, Object> described = new LinkedHashMap<>();
                described.put("seed", s < 0 ? null : seed + s);
                described.put("predictors", OptimizerRun.describe(program));
                run.trial(label(s), described, result.score(), program);
                if (stopAtScore != null && result.score() >= stopAtScore) break;
            }
        } catch (OptimizationStopped stopped) {
            run.stopped(stopped);
        }
        return run.finish(student);
    }

    private static String label(int s) {
        return switch (s) {
            case -3 -> "zero-shot";
            case -2 -> "labeled only";
            case -1 -> "bootstrap, unshuffled";
            default -> "bootstrap, shuffled #" + s;
        };
    }

    private Module candidate(int s, Module student, List<Example> trainset) {
        if (s == -3) return student.mapPredictors(p -> p.withDemos(List.of()));
        if (s == -2) return new LabeledFewShot(maxLabeledDemos, seed).compile(student, trainset);
        List<Example> train = new ArrayList<>(trainset);
        int size = maxBootstrappedDemos;
        if (s >= 0) {
            Collections.shuffle(train, new Random(seed + s));
            size = 1 + new Random(seed + s).nextInt(maxBootstrappedDemos);
        }
        BootstrapFewShot.Builder b = BootstrapFewShot.builder(metric)
                .maxBootstrappedDemos(size)
                .maxLabeledDemos(maxLabeledDemos)
                .maxRounds(maxRounds)
                .teacher(teacher)
                .seed(seed + Math.max(s, 0))
                .maxErrors(maxErrors)
                .threads(settings.threads());
        if (threshold != null) b.threshold(threshold);
        return b.build().compile(student, train);
    }

    /** Builds a {@link BootstrapFewShotWithRandomSearch}; shared settings are in {@link OptimizerBuilder}. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private final Metric metric;
        private Double threshold;
        private int maxBootstrappedDemos = 4;
        private int maxLabeledDemos = 16;
        private int maxRounds = 1;
        private int numCandidatePrograms = 16;
        private Module teacher;
        private List<Example> valset;
        private Double stopAtScore;
        private long seed;
        private int maxErrors = 10;

        private Builder(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
        }

        /**
         * The score a bootstrapped run must reach to pass.
         *
         * @param t the threshold (default: any score above 0)
         * @return this builder
         */
        public Builder metricThreshold(double t) {
            this.threshold = t;
            return this;
        }

        /**
         * The most traces per predictor; shuffled candidates keep between 1 and this many.
         *
         * @param n at least 1 (default 4)
         * @return this builder
         */
        public Builder maxBootstrappedDemos(int n) {
            if (n < 1) throw new IllegalArgumentException("maxBootstrappedDemos must be at least 1, not " + n);
            this.maxBootstrappedDemos = n;
            return this;
        }

        /**
         * Demos per predictor in all (labeled examples top up the bootstrapped ones).
         *
         * @param n 0 or more (default 16)
         * @return this builder
         */
        public Builder maxLabeledDemos(int n) {
            if (n < 0) throw new IllegalArgumentException("maxLabeledDemos must be >= 0, not " + n);
            this.maxLabeledDemos = n;
            return this;
        }

        /**
         * Bootstrap attempts per training example (see {@link BootstrapFewShot.Builder#maxRounds}).
         *
         * @param n at least 1 (default 1)
         * @return this builder
         */
        public Builder maxRounds(int n) {
            if (n < 1) throw new IllegalArgumentException("maxRounds must be at least 1, not " + n);
            this.maxRounds = n;
            return this;
        }

        /**
         * The number of shuffled bootstrap candidates, after the three baselines; an {@code auto}
         * preset replaces it.
         *
         * @param n 0 or more (default 16)
         * @return this builder
         */
        public Builder numCandidatePrograms(int n) {
            if (n < 0) throw new IllegalArgumentException("numCandidatePrograms must be >= 0, not " + n);
            this.numCandidatePrograms = n;
            return this;
        }

        /**
         * The program run to bootstrap.
         *
         * @param t the teacher, or null for the student (the default)
         * @return this builder
         */
        public Builder teacher(Module t) {
            this.teacher = t;
            return this;
        }

        /**
         * The dev set candidates are scored on.
         *
         * @param v the examples (copied), or null for the training set (the default, as DSPy's)
         * @return this builder
         * @throws IllegalArgumentException if {@code v} is empty
         */
        public Builder valset(List<Example> v) {
            if (v != null && v.isEmpty()) throw new IllegalArgumentException("the valset is empty");
            this.valset = v == null ? null : List.copyOf(v);
            return this;
        }

        /**
         * Stop as soon as a candidate scores at least this (DSPy's {@code stop_at_score}).
         *
         * @param s a percentage, like {@link EvaluationResult#score()}
         * @return this builder
         */
        public Builder stopAtScore(double s) {
            this.stopAtScore = s;
            return this;
        }

        /**
         * The base seed of the shuffles and labeled draws; candidate i uses {@code seed + i}.
         *
         * @param s the seed (default 0)
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Failed teacher runs that end a bootstrap, and with it {@code compile}
         * ({@link BootstrapFewShot.Builder#maxErrors}): the n-th failure throws.
         *
         * @param n at least 1 (default 10)
         * @return this builder
         */
        public Builder maxErrors(int n) {
            if (n < 1) throw new IllegalArgumentException("maxErrors must be at least 1, not " + n);
            this.maxErrors = n;
            return this;
        }

        /** {@return the optimizer} */
        public BootstrapFewShotWithRandomSearch build() {
            return new BootstrapFewShotWithRandomSearch(this);
        }
    }
}
