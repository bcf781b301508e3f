package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.module.Module;
import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * MIPROv2 (Opsahl-Ong et al., 2024), after DSPy's {@code MIPROv2}: jointly chooses each predictor's
 * instruction and demo set.
 *
 * <ol>
 *   <li><b>Demo-set candidates</b> (DSPy's step 1, {@code _bootstrap_fewshot_examples}) per predictor: none, labeled only, bootstrapped in order, and
 *       bootstrapped from shuffled training sets ({@link BootstrapFewShot}).</li>
 *   <li><b>Instruction candidates</b> (step 2, {@code _propose_instructions}) per predictor: its current instruction and proposals from the
 *       prompt model, grounded in a description of the data, the program's structure, demos from the
 *       candidate sets and a random tip ({@link GroundedProposer}).</li>
 *   <li><b>Bayesian search</b> (step 3, {@code _optimize_prompt_parameters}): a Tree-structured Parzen Estimator (TPE, as DSPy uses Optuna's {@code TPESampler}) over one categorical parameter per predictor
 *       for the instruction index and one for the demo-set index proposes combinations. With a
 *       validation set of more than 50 examples each trial scores on a random minibatch
 *       ({@link Builder#minibatchSize}), and every {@link Builder#minibatchFullEvalSteps} trials (and
 *       after the last) the combination with the best mean minibatch score not yet fully scored is
 *       scored on the whole validation set; otherwise every trial is a full evaluation. Full scores
 *       pick the result, and every score, the default program's included, informs the sampler.</li>
 * </ol>
 *
 * <p>Zero-shot mode ({@code maxBootstrappedDemos(0).maxLabeledDemos(0)}) searches instructions only;
 * demos are still bootstrapped (3 per set) to ground the proposals. {@code auto} presets set the
 * number of candidates n (6, 12, 18; half as many instructions unless zero-shot), the validation set's
 * size cap (100, 300, 1000) and the trials {@code max(2·v·log2(n), 1.5·n)} for v searched parameters,
 * as DSPy's; light is the default. Without a valset, the last 80% of the training set validates.
 *
 * <p>The student is left untouched; the result is the best fully scored program, the default
 * program (the student, with the task model if one is given) included. Deterministic for a seed and
 * a deterministic (or cached) LM.
 */
public final class MIPROv2 implements Optimizer {
    private final Metric metric;
    private final LanguageModel promptModel;
    private final LanguageModel taskModel;
    private final Module teacher;
    private final int maxBootstrapped;
    private final int maxLabeled;
    private final MiproPlan.Sizing sizing;
    private final long seed;
    private final double initTemperature;
    private final Double threshold;
    private final GroundedProposer.Grounding grounding;
    private final RunSettings settings;

    private MIPROv2(Builder b) {
        this.metric = b.metric;
        this.promptModel = b.promptModel;
        this.taskModel = b.taskModel;
        this.teacher = b.teacher;
        this.maxBootstrapped = b.maxBootstrapped;
        this.maxLabeled = b.maxLabeled;
        this.sizing = new MiproPlan.Sizing(b.numCandidates, b.numTrials, b.minibatch, b.minibatchSize, b.fullEvalSteps);
        this.seed = b.seed;
        this.initTemperature = b.initTemperature;
        this.threshold = b.threshold;
        this.grounding = new GroundedProposer.Grounding(b.dataAware, b.programAware, b.fewshotAware, b.tipAware);
        this.settings = sizing.settle(b.runSettings());
    }

    /**
     * A builder scoring with {@code metric}.
     *
     * @param metric scores predictions while bootstrapping demos and scoring candidates
     * @return the builder
     */
    public static Builder builder(Metric metric) {
        return new Builder(metric);
    }

    /**
     * Optimizes with the last 80% of {@code trainset} (at most 1000 examples) as the validation set and
     * the rest as the training set, as DSPy's MIPROv2 does without a valset.
     *
     * @throws IllegalArgumentException if {@code trainset} has fewer than 2 examples, or as
     *     {@link #compile(Module, List, List)}
     */
    @Override
    public Module compile(Module student, List<Example> trainset) {
        Objects.requireNonNull(trainset, "trainset");
        if (trainset.size() < 2) {
            throw new IllegalArgumentException(
                    "MIPROv2 needs at least 2 training examples without a valset, got " + trainset.size());
        }
        int valSize = Math.min(1000, Math.max(1, (int) (trainset.size() * 0.8)));
        int cut = trainset.size() - valSize;
        return compile(student, trainset.subList(0, cut), trainset.subList(cut, trainset.size()));
    }

    /**
     * Optimizes, bootstrapping and proposing from {@code trainset} and scoring on {@code valset}.
     *
     * @param student the program; left untouched
     * @param trainset examples for demos and for the proposer's data description; not empty
     * @param valset examples candidates are scored on; not empty
     * @return the best fully scored program (the default program if nothing beat it or the run stopped
     *     before any trial)
     * @throws IllegalArgumentException if a set is empty, the program has no predictors, minibatches
     *     are larger than the validation set, or there is no prompt model
     */
    public Module compile(Module student, List<Example> trainset, List<Example> valset) {
        Objects.requireNonNull(student, "student");
        Objects.requireNonNull(trainset, "trainset");
        Objects.requireNonNull(valset, "valset");
        if (trainset.isEmpty()) throw new IllegalArgumentException("MIPROv2: the training set is empty");
        if (valset.isEmpty()) throw new IllegalArgumentException("MIPROv2: the validation set is empty");
        Random random = new Random(seed);
        boolean zeroShot = maxBootstrapped == 0 && maxLabeled == 0;
        Module program = taskModel != null ? student.withLm(taskModel) : student;
        int predictors = program.predictors().size();
        if (predictors == 0) throw new IllegalArgumentException("MIPROv2: the program has no predictors");

        MiproPlan plan = sizing.plan(settings.budget().auto(), zeroShot, predictors, valset, random);

        LanguageModel proposerLm = promptModel != null
                ? promptModel
                : program.predictors().values().iterator().next().lm();
        if (proposerLm == null) {
            throw new IllegalArgumentException(
                    "MIPROv2 needs a prompt model: set promptModel(...) or give the student an LM");
        }
        OptimizerRun run = OptimizerRun.start("MIPROv2", metric, settings);
        try {
            GroundedProposer proposer = new GroundedProposer(proposerLm, initTemperature, seed, 10, 3, grounding);
            Map<String, List<List<Example>>> demoSets = run.traced(() -> DemoSetCandidates.create(
                    program,
                    trainset,
                    plan.demoSets(),
                    metric,
                    threshold,
                    zeroShot ? 3 : maxBootstrapped,
                    zeroShot ? 0 : maxLabeled,
                    teacher,
                    seed,
                    random,
                    settings.threads()));
            String data = run.traced(() -> proposer.describeData(trainset));
            Map<String, List<String>> instructions =
                    run.traced(() -> proposer.propose(program, data, demoSets, plan.instructions(), random));
            new MiproSearch(run, program, instructions, zeroShot ? null : demoSets, plan, seed).run(random);
        } catch (OptimizationStopped stopped) {
            run.stopped(stopped);
        }
        return run.finish(program);
    }

    /** Builds a {@link MIPROv2}; the budget, threads, listener, trial log and stop signal are shared settings. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private final Metric metric;
        private LanguageModel promptModel;
        private LanguageModel taskModel;
        private Module teacher;
        private int maxBootstrapped = 4;
        private int maxLabeled = 4;
        private Integer numCandidates;
        private Integer numTrials;
        private Boolean minibatch;
        private int minibatchSize = 35;
        private int fullEvalSteps = 5;
        private long seed = 9;
        private double initTemperature = 1.0;
        private Double threshold;
        private boolean dataAware = true;
        private boolean programAware = true;
        private boolean fewshotAware = true;
        private boolean tipAware = true;

        private Builder(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
        }

        /**
         * The LM that describes the data and proposes instructions (DSPy's {@code prompt_model}).
         *
         * @param lm the LM; default: the first predictor's LM
         * @return this builder
         */
        public Builder promptModel(LanguageModel lm) {
            this.promptModel = Objects.requireNonNull(lm, "promptModel");
            return this;
        }

        /**
         * The LM every predictor uses while optimizing and in the result (DSPy's {@code task_model}).
         *
         * @param lm the LM, or null for each predictor's own (the default)
         * @return this builder
         */
        public Builder taskModel(LanguageModel lm) {
            this.taskModel = lm;
            return this;
        }

        /**
         * The program run to bootstrap demos.
         *
         * @param t the teacher, or null for the student (the default)
         * @return this builder
         */
        public Builder teacher(Module t) {
            this.teacher = t;
            return this;
        }

        /**
         * Traced demos per set; 0 together with {@code maxLabeledDemos(0)} is zero-shot mode.
         *
         * @param n 0 or more (default 4)
         * @return this builder
         */
        public Builder maxBootstrappedDemos(int n) {
            if (n < 0) throw new IllegalArgumentException("maxBootstrappedDemos must be >= 0, not " + n);
            this.maxBootstrapped = n;
            return this;
        }

        /**
         * Labeled demos per set.
         *
         * @param n 0 or more (default 4)
         * @return this builder
         */
        public Builder maxLabeledDemos(int n) {
            if (n < 0) throw new IllegalArgumentException("maxLabeledDemos must be >= 0, not " + n);
            this.maxLabeled = n;
            return this;
        }

        /**
         * Instruction and demo-set candidates per predictor, instead of an {@code auto} preset.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder numCandidates(int n) {
            if (n < 1) throw new IllegalArgumentException("numCandidates must be at least 1, not " + n);
            this.numCandidates = n;
            return this;
        }

        /**
         * Search trials, with {@link #numCandidates} ({@code build} refuses it without).
         *
         * @param n 0 or more (default: DSPy's {@code max(2·v·log2(n), 1.5·n)})
         * @return this builder
         */
        public Builder numTrials(int n) {
            if (n < 0) throw new IllegalArgumentException("numTrials must be >= 0, not " + n);
            this.numTrials = n;
            return this;
        }

        /**
         * Whether trials score on minibatches; ignored with an {@code auto} preset.
         *
         * @param on the choice (default: when the valset has more than 50 examples)
         * @return this builder
         */
        public Builder minibatch(boolean on) {
            this.minibatch = on;
            return this;
        }

        /**
         * Examples per minibatch.
         *
         * @param n at least 1 and at most the validation set's size (default 35, as DSPy's)
         * @return this builder
         */
        public Builder minibatchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("minibatchSize must be at least 1, not " + n);
            this.minibatchSize = n;
            return this;
        }

        /**
         * Minibatch trials between full evaluations.
         *
         * @param n at least 1 (default 5, as DSPy's)
         * @return this builder
         */
        public Builder minibatchFullEvalSteps(int n) {
            if (n < 1) throw new IllegalArgumentException("minibatchFullEvalSteps must be at least 1, not " + n);
            this.fullEvalSteps = n;
            return this;
        }

        /**
         * The seed of the valset sample, the demo sets, the proposals' tips and the sampler.
         *
         * @param s the seed (default 9, as DSPy's)
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * The proposer's sampling temperature.
         *
         * @param t the temperature (default 1.0)
         * @return this builder
         */
        public Builder initTemperature(double t) {
            this.initTemperature = t;
            return this;
        }

        /**
         * The score a bootstrapped run must reach.
         *
         * @param t the threshold (default: any score above 0)
         * @return this builder
         */
        public Builder metricThreshold(double t) {
            this.threshold = t;
            return this;
        }

        /**
         * Show the proposer a description of the training data.
         *
         * @param on default true; false saves that call
         * @return this builder
         */
        public Builder dataAwareProposer(boolean on) {
            this.dataAware = on;
            return this;
        }

        /**
         * Show the proposer the program's structure: every predictor's name, signature and instruction.
         *
         * @param on default true
         * @return this builder
         */
        public Builder programAwareProposer(boolean on) {
            this.programAware = on;
            return this;
        }

        /**
         * Show the proposer demos of the predictor from the candidate demo sets.
         *
         * @param on default true
         * @return this builder
         */
        public Builder fewshotAwareProposer(boolean on) {
            this.fewshotAware = on;
            return this;
        }

        /**
         * Give the proposer a tip drawn at random.
         *
         * @param on default true
         * @return this builder
         */
        public Builder tipAwareProposer(boolean on) {
            this.tipAware = on;
            return this;
        }

        /**
         * Builds the optimizer; without a preset or {@code numCandidates}, the {@code light} preset.
         *
         * @return the optimizer
         * @throws IllegalArgumentException if an {@code auto} preset is set together with
         *     {@code numCandidates} or {@code numTrials}, or {@code numTrials} is set without {@code numCandidates}
         */
        public MIPROv2 build() {
            return new MIPROv2(this);
        }
    }
}
