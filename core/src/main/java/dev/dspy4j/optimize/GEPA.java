package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.module.Module;
import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.Objects;

/**
 * GEPA, reflective prompt evolution (Agrawal et al., 2025), after DSPy's {@code GEPA} and the
 * {@code gepa} package. A candidate is an instruction set: one instruction per predictor.
 *
 * <p>The student's instructions are the seed candidate, scored on every validation example. Each
 * step then: picks a parent from the per-example Pareto frontier ({@link ParetoFrontier}: weighted by
 * the number of examples it is best on); runs it on a minibatch of training examples
 * ({@link Builder#reflectionMinibatchSize}, drawn epoch by epoch from a seeded shuffle) with traces
 * and metric feedback; skips the step if every score is perfect; asks the reflection LM (separate
 * from the task LM) to rewrite one predictor's instruction (the predictors take turns per candidate)
 * from that predictor's inputs, outputs and feedback ({@link Reflection}; a new candidate continues its
 * parents' turn order); runs the child on the same
 * minibatch; and keeps it only if its minibatch sum is strictly higher, scoring it then on the whole
 * validation set. After a step that found a new candidate, a merge ({@link InstructionMerge}) of two
 * frontier candidates that improved different predictors is tried (at most
 * {@link Builder#maxMergeInvocations} times): kept if it scores at least as well as the better parent
 * on a few validation examples, then scored on all of them.
 *
 * <p>The budget is in metric calls (one per example scored, minibatches included):
 * {@link Builder#maxMetricCalls} or an {@code auto} preset (DSPy's formula, {@link #autoBudget}).
 * A step starts only if its worst case fits, so the budget is never exceeded. The result is the
 * candidate with the best mean validation score (the earlier one on a tie). The metric should give
 * feedback ({@link dev.dspy4j.evaluate.ScoreWithFeedback}); without it the reflection LM sees scores only.
 */
public final class GEPA implements Optimizer {
    private final Metric metric;
    private final LanguageModel reflectionLm;
    private final LanguageModel taskModel;
    private final GepaEngine.Options options;
    private final RunSettings settings;

    private GEPA(Builder b) {
        this.metric = b.metric;
        this.reflectionLm = b.reflectionLm;
        this.taskModel = b.taskModel;
        this.options = new GepaEngine.Options(
                b.minibatchSize, b.useMerge, b.maxMergeInvocations, b.skipPerfectScore, b.perfectScore, b.seed);
        this.settings = b.runSettings();
        Budget budget = settings.budget();
        if ((budget.maxMetricCalls() == null) == (budget.auto() == null)) {
            throw new IllegalArgumentException(
                    "GEPA needs exactly one budget: maxMetricCalls(n) or auto(LIGHT|MEDIUM|HEAVY)");
        }
    }

    /**
     * A builder scoring with {@code metric}; set a budget, and preferably a reflection LM.
     *
     * @param metric scores predictions; its feedback ({@link dev.dspy4j.evaluate.ScoreWithFeedback})
     *     is what the reflection LM reads (DSPy's {@code GEPAFeedbackMetric})
     * @return the builder
     */
    public static Builder builder(Metric metric) {
        return new Builder(metric);
    }

    /**
     * Optimizes with {@code trainset} as both the reflection set and the validation set.
     *
     * @throws IllegalArgumentException as {@link #compile(Module, List, List)}
     */
    @Override
    public Module compile(Module student, List<Example> trainset) {
        return compile(student, trainset, trainset);
    }

    /**
     * Optimizes, reflecting on minibatches of {@code trainset} and keeping the frontier on {@code valset}.
     *
     * @param student the program; left untouched
     * @param trainset examples the reflection steps run on; not empty
     * @param valset examples every kept candidate is scored on; not empty
     * @return the candidate with the best mean validation score (the seed if nothing beat it)
     * @throws IllegalArgumentException if a set is empty, the program has no predictors, or there is
     *     no reflection LM
     */
    public Module compile(Module student, List<Example> trainset, List<Example> valset) {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(trainset, "trainset");
        Objects.requireNonNull(valset, "valset");
        if (trainset.isEmpty()) throw new IllegalArgumentException("GEPA: the training set is empty");
        if (valset.isEmpty()) throw new IllegalArgumentException("GEPA: the validation set is empty");
        Module program = taskModel != null ? student.withLm(taskModel) : student;
        if (program.predictors().isEmpty()) throw new IllegalArgumentException("GEPA: the program has no predictors");
        RunSettings s = settings;
        if (s.budget().maxMetricCalls() == null) {
            int calls =
                    autoBudget(program.predictors().size(), s.budget().auto().candidates(), valset.size());
            s = new RunSettings(
                    s.budget().withMaxMetricCalls(calls), s.threads(), s.listener(), s.trialLog(), s.stop());
        }
        LanguageModel reflector = reflectionLm != null
                ? reflectionLm
                : program.predictors().values().iterator().next().lm();
        if (reflector == null) {
            throw new IllegalArgumentException(
                    "GEPA needs a reflection LM: set reflectionLm(...) or give the student an LM");
        }
        OptimizerRun run = OptimizerRun.start("GEPA", metric, s);
        new GepaEngine(run, options, program, new Reflection(reflector), List.copyOf(trainset), List.copyOf(valset))
                .run();
        return run.finish(program);
    }

    /**
     * DSPy's metric-call budget for an {@code auto} preset of {@code n} candidates: the seed's full
     * evaluation, 5 bootstrap runs per candidate, {@code N = max(4·p·log2(n), 1.5·n)} minibatches of
     * 35, and a full evaluation every 5 of them.
     */
    static int autoBudget(int predictors, int n, int valSize) {
        int trials = (int) Math.max(2 * (predictors * 2) * (Math.log(n) / Math.log(2)), 1.5 * n);
        int total = valSize + n * 5 + trials * 35;
        if (trials == 0) return total;
        int periodic = (trials + 1) / 5 + 1;
        int extra = trials < 5 ? 1 : 0;
        return total + (periodic + extra) * valSize;
    }

    /** Builds a {@link GEPA}; the budget, threads, listener, trial log and stop signal are shared settings. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private final Metric metric;
        private LanguageModel reflectionLm;
        private LanguageModel taskModel;
        private int minibatchSize = 3;
        private boolean useMerge = true;
        private int maxMergeInvocations = 5;
        private boolean skipPerfectScore = true;
        private double perfectScore = 1.0;
        private long seed;

        private Builder(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
        }

        /**
         * The LM that rewrites instructions, usually stronger than the task LM (default: the first
         * predictor's LM, which GEPA's authors advise against).
         *
         * @param lm the LM (DSPy's {@code reflection_lm})
         * @return this builder
         */
        public Builder reflectionLm(LanguageModel lm) {
            this.reflectionLm = Objects.requireNonNull(lm, "reflectionLm");
            return this;
        }

        /**
         * The LM every predictor uses while optimizing and in the result.
         *
         * @param lm the LM, or null for each predictor's own (the default)
         * @return this builder
         */
        public Builder taskModel(LanguageModel lm) {
            this.taskModel = lm;
            return this;
        }

        /**
         * Training examples per reflection step.
         *
         * @param n at least 1 (default 3, as DSPy's {@code reflection_minibatch_size})
         * @return this builder
         */
        public Builder reflectionMinibatchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("reflectionMinibatchSize must be at least 1, not " + n);
            this.minibatchSize = n;
            return this;
        }

        /**
         * Try merging candidates that improved different predictors (gepa's {@code MergeProposer}).
         *
         * @param on default true
         * @return this builder
         */
        public Builder useMerge(boolean on) {
            this.useMerge = on;
            return this;
        }

        /**
         * The most merges tried.
         *
         * @param n 0 or more (default 5)
         * @return this builder
         */
        public Builder maxMergeInvocations(int n) {
            if (n < 0) throw new IllegalArgumentException("maxMergeInvocations must be >= 0, not " + n);
            this.maxMergeInvocations = n;
            return this;
        }

        /**
         * Skip a step whose parent scores at least {@link #perfectScore} on every minibatch example.
         *
         * @param on default true
         * @return this builder
         */
        public Builder skipPerfectScore(boolean on) {
            this.skipPerfectScore = on;
            return this;
        }

        /**
         * The score that counts as perfect.
         *
         * @param s a metric score, not a percentage (default 1.0)
         * @return this builder
         */
        public Builder perfectScore(double s) {
            this.perfectScore = s;
            return this;
        }

        /**
         * The seed of the minibatch shuffles, parent selection and merges.
         *
         * @param s the seed (default 0, as DSPy's)
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Builds the optimizer.
         *
         * @return the optimizer
         * @throws IllegalArgumentException unless exactly one of {@code maxMetricCalls} and {@code auto} is set
         */
        public GEPA build() {
            return new GEPA(this);
        }
    }
}
