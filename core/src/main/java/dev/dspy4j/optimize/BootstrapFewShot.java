package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Parallel;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.module.Trace;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Builds demos from the program's own successful runs. For each training example (in order), the
 * teacher runs with tracing; if the metric accepts its prediction, every predictor call in the trace
 * becomes a demo (that call's inputs and outputs) for the predictor of the same name in the student.
 * An example that fails is retried in later rounds ({@link Builder#maxRounds}) with a fresh rollout id
 * and a sampling temperature, so a cache does not replay the failed answer. Bootstrapping stops once
 * {@code maxBootstrappedDemos} examples have passed. A teacher run or a metric that throws counts
 * as a failed run; compiling stops after {@link Builder#maxErrors} of them. Each predictor then gets its bootstrapped demos
 * (at most {@code maxBootstrappedDemos}) followed by labeled examples that were not bootstrapped, drawn
 * at random with the seed, up to {@code maxLabeledDemos} demos in all.
 *
 * <p>The teacher defaults to the student. A teacher with no demos at all is first given labeled demos
 * ({@link LabeledFewShot} with {@code maxLabeledDemos} and the seed); while it runs on an example,
 * that example is removed from its demos. Teacher runs go {@link Builder#threads} at a time
 * (default 1) and their results are taken in training-set order, so the demos are deterministic for
 * a deterministic LM whatever the number of threads. The metric gets each run's trace
 * ({@link Metric#evaluate}). Demos reference the values the teacher saw: an image in a demo is the same
 * {@code Image} instance as in the training example.
 *
 * <p>The steps follow DSPy's {@code BootstrapFewShot}: {@code _prepare_predictor_mappings} (names
 * match), {@code _bootstrap_one_example} (a traced teacher run per example, retried with a new
 * {@code rollout_id} and temperature 1.0 in later rounds) and {@code _train} (traced demos, then
 * shuffled labeled ones).
 *
 * <p>Trace steps are matched to predictor names by the identity of the teacher's {@link Predict}
 * instances; a step from a predictor the teacher does not expose in {@link Module#predictors()} is
 * ignored.
 */
public final class BootstrapFewShot implements Optimizer {
    /** The rollout id prefix used for rounds after the first. */
    public static final String ROLLOUT_PREFIX = "bootstrap-round-";

    private final Metric metric;
    private final Double threshold;
    private final int maxBootstrappedDemos;
    private final int maxLabeledDemos;
    private final int maxRounds;
    private final Module teacher;
    private final long seed;
    private final int maxErrors;
    private final double retryTemperature;
    private final int threads;

    private BootstrapFewShot(Builder b) {
        this.metric = b.metric;
        this.threshold = b.threshold;
        this.maxBootstrappedDemos = b.maxBootstrappedDemos;
        this.maxLabeledDemos = b.maxLabeledDemos;
        this.maxRounds = b.maxRounds;
        this.teacher = b.teacher;
        this.seed = b.seed;
        this.maxErrors = b.maxErrors;
        this.retryTemperature = b.retryTemperature;
        this.threads = b.threads;
    }

    /**
     * A builder with DSPy's defaults: 4 bootstrapped demos, 16 labeled, 1 round, the student as teacher.
     *
     * @param metric decides which teacher runs pass (see {@link Builder#threshold})
     * @return the builder
     */
    public static Builder builder(Metric metric) {
        return new Builder(metric);
    }

    /**
     * The optimizer with the given settings.
     *
     * @param metric decides which teacher runs pass (any score above 0)
     * @param maxBootstrappedDemos see {@link Builder#maxBootstrappedDemos}; 0 or more
     * @param maxLabeledDemos see {@link Builder#maxLabeledDemos}; 0 or more
     * @param maxRounds see {@link Builder#maxRounds}; at least 1
     * @param teacher the program run to produce traces, or null for the student
     * @return the optimizer
     * @throws IllegalArgumentException if a count is out of range
     */
    public static BootstrapFewShot of(
            Metric metric, int maxBootstrappedDemos, int maxLabeledDemos, int maxRounds, Module teacher) {
        return builder(metric)
                .maxBootstrappedDemos(maxBootstrappedDemos)
                .maxLabeledDemos(maxLabeledDemos)
                .maxRounds(maxRounds)
                .teacher(teacher)
                .build();
    }

    /**
     * {@inheritDoc} Each predictor gets its traced demos followed by labeled ones (see the class comment).
     *
     * @throws IllegalArgumentException if a training example has no input keys marked, or the teacher's
     *     predictor names differ from the student's
     * @throws IllegalStateException after {@link Builder#maxErrors} failed teacher runs (the last one's
     *     exception is its cause)
     */
    @Override
    public Module compile(Module student, List<Example> trainset) {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(trainset, "trainset");
        for (int i = 0; i < trainset.size(); i++) {
            if (trainset.get(i).inputKeys().isEmpty()) {
                throw new IllegalArgumentException(
                        "training example " + i + " has no input keys marked; call withInputs(...)");
            }
        }
        Module base = teacher != null ? teacher : student;
        if (!base.predictors().keySet().equals(student.predictors().keySet())) {
            throw new IllegalArgumentException(
                    "the teacher's predictors " + base.predictors().keySet() + " do not match the student's "
                            + student.predictors().keySet());
        }
        if (maxLabeledDemos > 0
                && base.predictors().values().stream().allMatch(p -> p.demos().isEmpty())) {
            base = new LabeledFewShot(maxLabeledDemos, seed).compile(base, trainset);
        }

        Map<String, List<Example>> traces = new LinkedHashMap<>();
        student.predictors().keySet().forEach(name -> traces.put(name, new ArrayList<>()));
        Set<Integer> bootstrapped = new LinkedHashSet<>();
        int errors = 0;
        Module teacherBase = base;
        Parallel parallel = Parallel.of(threads);
        // examples run a chunk of `threads` at a time; results are taken in index order, so the demos do
        // not depend on the number of threads (a larger chunk may only run a few examples more)
        for (int from = 0; from < trainset.size() && bootstrapped.size() < maxBootstrappedDemos; from += threads) {
            List<Integer> chunk = new ArrayList<>();
            for (int i = from; i < Math.min(trainset.size(), from + threads); i++) chunk.add(i);
            List<Attempt> attempts = parallel.run(chunk, i -> attempt(teacherBase, trainset.get(i)))
                    .values();
            for (int c = 0; c < chunk.size() && bootstrapped.size() < maxBootstrappedDemos; c++) {
                int i = chunk.get(c);
                Attempt a = attempts.get(c);
                for (RuntimeException e : a.errors()) {
                    errors++;
                    if (errors >= maxErrors) {
                        throw new IllegalStateException(
                                "bootstrapping stopped after " + errors
                                        + " failed teacher runs; the last, on training example " + i + ": "
                                        + e.getMessage(),
                                e);
                    }
                }
                if (a.passed() == null) continue;
                for (Trace.Step step : a.passed().steps()) {
                    String name = a.names().get(step.predictor());
                    if (name == null) continue;
                    traces.get(name).add(demoOf(step));
                }
                bootstrapped.add(i);
            }
        }

        List<Example> unused = new ArrayList<>();
        for (int i = 0; i < trainset.size(); i++) {
            if (!bootstrapped.contains(i)) unused.add(trainset.get(i));
        }
        List<Example> shuffled = LabeledFewShot.sample(unused, unused.size(), new Random(seed));
        Map<String, Predict> replaced = new LinkedHashMap<>();
        student.predictors().forEach((name, p) -> {
            List<Example> demos = new ArrayList<>(traces.get(name)
                    .subList(0, Math.min(maxBootstrappedDemos, traces.get(name).size())));
            int room = Math.max(0, maxLabeledDemos - demos.size());
            demos.addAll(shuffled.subList(0, Math.min(room, shuffled.size())));
            replaced.put(name, p.withDemos(demos));
        });
        return student.withPredictors(replaced);
    }

    /** The rounds of one training example: the passing run (or null), its predictor names, and the failures. */
    private record Attempt(
            Trace.Traced<Prediction> passed, Map<Predict, String> names, List<RuntimeException> errors) {}

    private Attempt attempt(Module base, Example example) {
        List<RuntimeException> errors = new ArrayList<>();
        for (int round = 0; round < maxRounds; round++) {
            Module t = base.mapPredictors(p -> p.withDemos(without(p.demos(), example)));
            if (round > 0) {
                String rollout = ROLLOUT_PREFIX + round;
                t = t.mapPredictors(p -> p.withRolloutId(rollout).withParam("temperature", retryTemperature));
            }
            IdentityHashMap<Predict, String> names = new IdentityHashMap<>();
            t.predictors().forEach((name, p) -> names.put(p, name));
            Module run = t;
            try {
                Trace.Traced<Prediction> traced = Trace.capture(() -> run.call(example));
                // a metric that throws fails the run too
                if (passes(example, traced.value(), traced.steps())) return new Attempt(traced, names, errors);
            } catch (RuntimeException e) {
                errors.add(e);
                if (errors.size() >= maxErrors) break;
            }
        }
        return new Attempt(null, Map.of(), errors);
    }

    private boolean passes(Example example, Prediction prediction, List<Trace.Step> trace) {
        double score = metric.evaluate(example, prediction, trace).score();
        return threshold == null ? score > 0 : score >= threshold;
    }

    private static List<Example> without(List<Example> demos, Example example) {
        List<Example> out = new ArrayList<>(demos.size());
        for (Example d : demos) {
            if (!d.equals(example)) out.add(d);
        }
        return out;
    }

    /** A demo from one traced call: its inputs (marked as inputs) and its outputs, values shared. */
    static Example demoOf(Trace.Step step) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> inputKeys = new ArrayList<>();
        step.inputs().forEach((k, v) -> {
            if (v != null) {
                values.put(k, v);
                inputKeys.add(k);
            }
        });
        step.outputs().toMap().forEach(values::put);
        return Example.of(values).withInputs(inputKeys);
    }

    /** Builds a {@link BootstrapFewShot}. */
    public static final class Builder {
        private final Metric metric;
        private Double threshold;
        private int maxBootstrappedDemos = 4;
        private int maxLabeledDemos = 16;
        private int maxRounds = 1;
        private Module teacher;
        private long seed;
        private int maxErrors = 10;
        private double retryTemperature = 1.0;
        private int threads = 1;

        private Builder(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
        }

        /**
         * The score a teacher run must reach to pass (DSPy's {@code metric_threshold}).
         *
         * @param t the threshold; by default any score above 0 passes
         * @return this builder
         */
        public Builder threshold(double t) {
            this.threshold = t;
            return this;
        }

        /**
         * At most this many examples are bootstrapped, and each predictor keeps at most this many traced demos.
         *
         * @param n 0 or more (default 4)
         * @return this builder
         */
        public Builder maxBootstrappedDemos(int n) {
            this.maxBootstrappedDemos = nonNegative("maxBootstrappedDemos", n);
            return this;
        }

        /**
         * Demos per predictor in all, topped up with labeled examples.
         *
         * @param n 0 or more (default 16)
         * @return this builder
         */
        public Builder maxLabeledDemos(int n) {
            this.maxLabeledDemos = nonNegative("maxLabeledDemos", n);
            return this;
        }

        /**
         * Attempts per training example.
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
         * The program run to produce traces.
         *
         * @param t a program with the student's predictor names, or null for the student (the default)
         * @return this builder
         */
        public Builder teacher(Module t) {
            this.teacher = t;
            return this;
        }

        /**
         * The seed for the labeled demos.
         *
         * @param s the seed (default 0)
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Fail compile after this many teacher runs threw.
         *
         * @param n at least 1 (default 10, as DSPy's {@code max_errors})
         * @return this builder
         */
        public Builder maxErrors(int n) {
            if (n < 1) throw new IllegalArgumentException("maxErrors must be at least 1, not " + n);
            this.maxErrors = n;
            return this;
        }

        /**
         * The temperature for rounds after the first.
         *
         * @param t the temperature (default 1.0, as DSPy's)
         * @return this builder
         */
        public Builder retryTemperature(double t) {
            this.retryTemperature = t;
            return this;
        }

        /**
         * Teacher runs at once (default 1). The demos do not depend on it: examples run in chunks of
         * this size and are taken in training-set order.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder threads(int n) {
            if (n < 1) throw new IllegalArgumentException("threads must be at least 1, not " + n);
            this.threads = n;
            return this;
        }

        /** {@return the optimizer} */
        public BootstrapFewShot build() {
            return new BootstrapFewShot(this);
        }

        private static int nonNegative(String what, int n) {
            if (n < 0) throw new IllegalArgumentException(what + " must be >= 0, not " + n);
            return n;
        }
    }
}
