package dev.dspy4j.module;

import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmHistory;
import dev.dspy4j.media.Media;
import dev.dspy4j.signature.Signature;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Like {@link BestOfN}, but an attempt that falls short of the threshold is turned into advice for
 * the next: from the second attempt on, every predictor of the module gets an extra input
 * {@code hint} holding feedback on the previous attempt (its outputs, its reward and the target).
 * The hint reaches each predictor through its adapter, whatever inputs the module passes along;
 * demos show {@code N/A} for it. Attempts use rollout ids {@code <id>/refine-<i>}.
 *
 * <p>The feedback is a plain description of the previous attempt by default
 * ({@link #describeAttempt}); {@link #lmFeedback(LanguageModel)} asks an LM for advice instead, and
 * any {@link Feedback} function can be given. Writing the feedback is part of the next attempt: if
 * it throws, that attempt counts as failed, as in {@link BestOfN}.
 */
public final class Refine implements Module {

    /** Writes the hint for the next attempt from the previous one. */
    @FunctionalInterface
    public interface Feedback {
        /**
         * Writes advice for the next attempt.
         *
         * @param inputs the module's inputs
         * @param prediction the previous attempt's outputs
         * @param reward its reward
         * @param threshold the reward it fell short of
         * @return the text put in the {@code hint} input of every predictor on the next attempt
         */
        String advise(Map<String, Object> inputs, Prediction prediction, double reward, double threshold);
    }

    private final Module module;
    private final int n;
    private final BestOfN.Reward reward;
    private final double threshold;
    private final Feedback feedback;
    private final int failCount;
    private final Double temperature;

    private Refine(Builder b) {
        this.module = Objects.requireNonNull(b.module, "module");
        if (b.n < 1) throw new IllegalArgumentException("n must be at least 1, not " + b.n);
        this.n = b.n;
        this.reward = Objects.requireNonNull(b.reward, "reward");
        this.threshold = b.threshold;
        this.feedback = Objects.requireNonNull(b.feedback, "feedback");
        this.failCount = b.failCount;
        this.temperature = b.temperature;
    }

    /**
     * Up to {@code n} attempts with the default feedback ({@link #describeAttempt}), at temperature
     * 1.0, rethrowing only when every attempt fails (DSPy's {@code Refine(module, N, reward_fn, threshold)},
     * whose default feedback is the LM's advice instead: {@link #lmFeedback} here).
     *
     * @param module the module to run
     * @param n the most attempts; at least 1
     * @param reward scores each attempt's prediction
     * @param threshold the reward at which to stop early
     * @return the module
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public static Refine of(Module module, int n, BestOfN.Reward reward, double threshold) {
        return builder(module, n, reward, threshold).build();
    }

    /**
     * A builder for further settings (feedback, fail count, temperature).
     *
     * @param module the module to run
     * @param n the most attempts; at least 1 (checked by {@code build})
     * @param reward scores each attempt's prediction
     * @param threshold the reward at which to stop early
     * @return the builder
     */
    public static Builder builder(Module module, int n, BestOfN.Reward reward, double threshold) {
        return new Builder(module, n, reward, threshold);
    }

    /** {@return the wrapped module} */
    public Module module() {
        return module;
    }

    /**
     * The default feedback: {@code "The previous attempt answered: answer: 5. Its score was 0.0, below
     * the target of 1.0. Give a better answer."}
     *
     * @param inputs the module's inputs (not shown)
     * @param prediction the previous attempt's outputs, each shown as {@code name: value}
     * @param reward its reward
     * @param threshold the target
     * @return the hint
     */
    public static String describeAttempt(
            Map<String, Object> inputs, Prediction prediction, double reward, double threshold) {
        String outputs = prediction.toMap().entrySet().stream()
                .map(e -> e.getKey() + ": " + show(e.getValue()))
                .collect(Collectors.joining("; "));
        return "The previous attempt answered: " + outputs + ". Its score was " + reward + ", below the target of "
                + threshold + ". Give a better answer.";
    }

    /**
     * Feedback written by {@code lm}: a predictor that reads the attempt and its score and gives
     * advice (one LM call per hint, cached as any other).
     *
     * @param lm the LM asked for advice
     * @return the feedback function
     */
    public static Feedback lmFeedback(LanguageModel lm) {
        Predict advisor = Predict.of(Signature.parse(
                        "program_inputs, program_outputs, reward: float, threshold: float -> advice",
                        "A program attempted a task and received a reward below the threshold. Read its inputs and outputs, "
                                + "work out what went wrong, and write concrete advice for the next attempt."))
                .withLm(Objects.requireNonNull(lm, "lm"));
        return (inputs, prediction, reward, threshold) -> {
            Map<String, Object> in = new LinkedHashMap<>();
            in.put("program_inputs", render(inputs));
            in.put("program_outputs", render(prediction.toMap()));
            in.put("reward", reward);
            in.put("threshold", threshold);
            return advisor.call(in).getString("advice");
        };
    }

    private static String render(Map<String, Object> values) {
        return values.entrySet().stream()
                .map(e -> e.getKey() + ": " + show(e.getValue()))
                .collect(Collectors.joining("\n"));
    }

    private static String show(Object v) {
        if (v instanceof Media m) return LmHistory.describe(m);
        return String.valueOf(v);
    }

    @Override
    public Prediction call(Map<String, ?> inputs) {
        Map<String, Object> in = new LinkedHashMap<>(inputs);
        BestOfN.Attempts attempts =
                new BestOfN.Attempts(module, n, reward, threshold, failCount, temperature, "refine-");
        return attempts.run(in, (tagged, i, last) -> {
            if (last == null) return tagged;
            String hint = feedback.advise(last.inputs(), last.prediction(), last.reward(), threshold);
            return tagged.mapPredictors(p -> p.withAdapter(new HintAdapter(p.adapter(), hint)));
        });
    }

    @Override
    public Map<String, Predict> predictors() {
        return module.predictors();
    }

    @Override
    public Refine withPredictors(Map<String, Predict> replacements) {
        Builder b = new Builder(module.withPredictors(replacements), n, reward, threshold);
        b.feedback = feedback;
        b.failCount = failCount;
        b.temperature = temperature;
        return new Refine(b);
    }

    @Override
    public String toString() {
        return "Refine(" + module + ", n=" + n + ", threshold=" + threshold + ")";
    }

    /** Builds a {@link Refine}. */
    public static final class Builder {
        private final Module module;
        private final int n;
        private final BestOfN.Reward reward;
        private final double threshold;
        private Feedback feedback = Refine::describeAttempt;
        private int failCount;
        private Double temperature = 1.0;

        private Builder(Module module, int n, BestOfN.Reward reward, double threshold) {
            this.module = module;
            this.n = n;
            this.reward = reward;
            this.threshold = threshold;
            this.failCount = n;
        }

        /**
         * Sets how the hint is written.
         *
         * @param f the feedback (default {@link Refine#describeAttempt}); not null
         * @return this builder
         */
        public Builder feedback(Feedback f) {
            this.feedback = Objects.requireNonNull(f, "feedback");
            return this;
        }

        /**
         * Rethrows an attempt's exception once more than this many attempts have thrown.
         *
         * @param k at least 0; default {@code n}, so only a run where every attempt threw rethrows
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
         */
        public Refine build() {
            return new Refine(this);
        }
    }
}
