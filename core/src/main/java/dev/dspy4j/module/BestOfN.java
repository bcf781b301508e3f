package dev.dspy4j.module;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a module up to {@code n} times and returns the prediction with the highest reward, stopping
 * early at the first one whose reward reaches the threshold. Each attempt runs with its own rollout
 * id ({@code <id>/attempt-<i>}, where {@code <id>} is the predictor's own rollout id if it has one) and
 * by default at temperature 1.0, so a cache does not replay one answer {@code n} times.
 *
 * <p>An attempt that throws counts as a failure; after more than {@link Builder#failCount} failures
 * (default {@code n}: never) the last exception is rethrown, and if every attempt fails the last
 * exception is rethrown too. Under {@link Trace#capture}, only the chosen attempt's predictor calls
 * are recorded, attributed to this module's own predictors.
 *
 * <p>The predictors are the wrapped module's, under the same names.
 */
public final class BestOfN implements Module {

    /** Scores a prediction for the inputs it answered; higher is better. */
    @FunctionalInterface
    public interface Reward {
        /**
         * Scores one attempt. An exception thrown here makes the attempt a failure.
         *
         * @param inputs the module's inputs
         * @param prediction the attempt's outputs
         * @return the reward, in any unit the threshold shares (often 0.0 to 1.0)
         */
        double score(Map<String, Object> inputs, Prediction prediction);
    }

    private final Module module;
    private final int n;
    private final Reward reward;
    private final double threshold;
    private final int failCount;
    private final Double temperature;

    private BestOfN(Module module, int n, Reward reward, double threshold, int failCount, Double temperature) {
        this.module = Objects.requireNonNull(module, "module");
        if (n < 1) throw new IllegalArgumentException("n must be at least 1, not " + n);
        this.n = n;
        this.reward = Objects.requireNonNull(reward, "reward");
        this.threshold = threshold;
        this.failCount = failCount;
        this.temperature = temperature;
    }

    /**
     * Up to {@code n} attempts of {@code module}, stopping at a reward of at least {@code threshold},
     * at temperature 1.0 and rethrowing only when every attempt fails (DSPy's {@code BestOfN(module,
     * N, reward_fn, threshold)}).
     *
     * @param module the module to run
     * @param n the most attempts; at least 1
     * @param reward scores each attempt's prediction
     * @param threshold the reward at which to stop early
     * @return the module
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public static BestOfN of(Module module, int n, Reward reward, double threshold) {
        return builder(module, n, reward, threshold).build();
    }

    /**
     * A builder for further settings (the fail count and temperature).
     *
     * @param module the module to run
     * @param n the most attempts; at least 1 (checked by {@code build})
     * @param reward scores each attempt's prediction
     * @param threshold the reward at which to stop early
     * @return the builder
     */
    public static Builder builder(Module module, int n, Reward reward, double threshold) {
        return new Builder(module, n, reward, threshold);
    }

    /** {@return the wrapped module} */
    public Module module() {
        return module;
    }

    /** {@return the most attempts} */
    public int n() {
        return n;
    }

    /** {@return the reward at which the attempts stop early} */
    public double threshold() {
        return threshold;
    }

    @Override
    public Prediction call(Map<String, ?> inputs) {
        Map<String, Object> in = new LinkedHashMap<>(inputs);
        Attempts attempts = new Attempts(module, n, reward, threshold, failCount, temperature, "attempt-");
        return attempts.run(in, (attempt, i, last) -> attempt);
    }

    @Override
    public Map<String, Predict> predictors() {
        return module.predictors();
    }

    @Override
    public BestOfN withPredictors(Map<String, Predict> replacements) {
        return new BestOfN(module.withPredictors(replacements), n, reward, threshold, failCount, temperature);
    }

    @Override
    public String toString() {
        return "BestOfN(" + module + ", n=" + n + ", threshold=" + threshold + ")";
    }

    /** Builds a {@link BestOfN}. */
    public static final class Builder {
        private final Module module;
        private final int n;
        private final Reward reward;
        private final double threshold;
        private int failCount;
        private Double temperature = 1.0;

        private Builder(Module module, int n, Reward reward, double threshold) {
            this.module = module;
            this.n = n;
            this.reward = reward;
            this.threshold = threshold;
            this.failCount = n;
        }

        /**
         * Rethrows an attempt's exception once more than this many attempts have thrown.
         *
         * @param k at least 0 (0: the first exception is rethrown); default {@code n}, so only a
         *     run where every attempt threw rethrows
         * @return this builder
         * @throws IllegalArgumentException if {@code k} is negative
         */
        public Builder failCount(int k) {
            if (k < 0) throw new IllegalArgumentException("failCount must be >= 0, not " + k);
            this.failCount = k;
            return this;
        }

        /**
         * Sets the sampling temperature of every attempt.
         *
         * @param t the {@code temperature} parameter (default 1.0), or null to keep the predictors' own
         * @return this builder
         */
        public Builder temperature(Double t) {
            this.temperature = t;
            return this;
        }

        /**
         * Builds the module.
         *
         * @return the module
         * @throws IllegalArgumentException if {@code n} is less than 1
         * @throws NullPointerException if the module or reward is null
         */
        public BestOfN build() {
            return new BestOfN(module, n, reward, threshold, failCount, temperature);
        }
    }

    /** The attempt loop shared with {@link Refine}. */
    static final class Attempts {
        /** Turns the rollout-tagged module of attempt {@code i} into the module actually run. */
        interface Shaper {
            Module shape(Module attempt, int i, Outcome last);
        }

        /** One finished attempt. */
        record Outcome(
                Prediction prediction, double reward, Map<String, Object> inputs, java.util.List<Trace.Step> steps) {}

        private final Module module;
        private final int n;
        private final Reward reward;
        private final double threshold;
        private final int failCount;
        private final Double temperature;
        private final String tag;

        Attempts(Module module, int n, Reward reward, double threshold, int failCount, Double temperature, String tag) {
            this.module = module;
            this.n = n;
            this.reward = reward;
            this.threshold = threshold;
            this.failCount = failCount;
            this.temperature = temperature;
            this.tag = tag;
        }

        Prediction run(Map<String, Object> inputs, Shaper shaper) {
            Outcome best = null;
            Outcome last = null;
            RuntimeException lastError = null;
            int failures = 0;
            for (int i = 0; i < n; i++) {
                int attemptNo = i;
                Module tagged = module.mapPredictors(p -> {
                    Predict q = p.withRolloutId((p.rolloutId() == null ? "" : p.rolloutId() + "/") + tag + attemptNo);
                    return temperature == null ? q : q.withParam("temperature", temperature);
                });
                IdentityHashMap<Predict, Predict> originals = new IdentityHashMap<>();
                Trace.Traced<Prediction> traced;
                double score;
                try {
                    // shaping is part of the attempt: Refine's feedback (possibly an LM call) may throw
                    Module run = shaper.shape(tagged, i, last);
                    Map<String, Predict> own = module.predictors();
                    run.predictors().forEach((name, p) -> {
                        Predict orig = own.get(name);
                        if (orig != null) originals.put(p, orig);
                    });
                    traced = Trace.captureIsolated(() -> run.call(inputs));
                    score = reward.score(inputs, traced.value());
                } catch (RuntimeException e) {
                    failures++;
                    lastError = e;
                    if (failures > failCount) throw e;
                    continue;
                }
                java.util.List<Trace.Step> steps = traced.steps().stream()
                        .map(s -> new Trace.Step(
                                originals.getOrDefault(s.predictor(), s.predictor()), s.inputs(), s.outputs()))
                        .toList();
                last = new Outcome(traced.value(), score, inputs, steps);
                if (best == null || score > best.reward()) best = last;
                if (score >= threshold) break;
            }
            if (best == null) {
                throw lastError != null ? lastError : new IllegalStateException("no attempt was made");
            }
            for (Trace.Step s : best.steps()) Trace.record(s.predictor(), s.inputs(), s.outputs());
            return best.prediction();
        }
    }
}
