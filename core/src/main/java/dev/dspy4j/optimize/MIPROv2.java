package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.EvaluationResult;
import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * MIPROv2 (Opsahl-Ong et al., 2024), after DSPy's {@code MIPROv2}: jointly chooses each predictor's
 * instruction and demo set.
 *
 * <ol>
 *   <li><b>Demo-set candidates</b> per predictor: none, labeled only, bootstrapped in order, and
 *       bootstrapped from shuffled training sets ({@link BootstrapFewShot}).</li>
 *   <li><b>Instruction candidates</b> per predictor: its current instruction and proposals from the
 *       prompt model, grounded in a description of the data, the program's structure, demos from the
 *       candidate sets and a random tip ({@link GroundedProposer}).</li>
 *   <li><b>Bayesian search</b>: a {@link TpeSampler} over one categorical parameter per predictor
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
    static final int MIN_MINIBATCH_VALSET = 50;

    private final Metric metric;
    private final LanguageModel promptModel;
    private final LanguageModel taskModel;
    private final Module teacher;
    private final int maxBootstrapped;
    private final int maxLabeled;
    private final Integer numCandidates;
    private final Integer numTrials;
    private final Boolean minibatch;
    private final int minibatchSize;
    private final int fullEvalSteps;
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
        this.numCandidates = b.numCandidates;
        this.numTrials = b.numTrials;
        this.minibatch = b.minibatch;
        this.minibatchSize = b.minibatchSize;
        this.fullEvalSteps = b.fullEvalSteps;
        this.seed = b.seed;
        this.initTemperature = b.initTemperature;
        this.threshold = b.threshold;
        this.grounding = new GroundedProposer.Grounding(b.dataAware, b.programAware, b.fewshotAware, b.tipAware);
        RunSettings s = b.runSettings();
        if (s.budget().auto() != null && (numCandidates != null || numTrials != null)) {
            throw new IllegalArgumentException(
                    "MIPROv2: auto sets the candidates and trials; do not also set numCandidates or numTrials");
        }
        if (s.budget().auto() == null && numCandidates == null) {
            s = new RunSettings(
                    new Budget(s.budget().maxMetricCalls(), s.budget().maxTrials(), Budget.Auto.LIGHT),
                    s.threads(),
                    s.listener(),
                    s.trialLog(),
                    s.stop());
        }
        this.settings = s;
    }

    /** A builder scoring with {@code metric}. */
    public static Builder builder(Metric metric) {
        return new Builder(metric);
    }

    /** Optimizes with the last 80% of {@code trainset} as the validation set. */
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

    /** Optimizes, bootstrapping and proposing from {@code trainset} and scoring on {@code valset}. */
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

        Budget.Auto auto = settings.budget().auto();
        int nDemoSets;
        int nInstructions;
        int trials;
        boolean useMinibatch;
        List<Example> val = valset;
        if (auto != null) {
            if (val.size() > auto.valSize()) val = LabeledFewShot.sample(val, auto.valSize(), random);
            nDemoSets = auto.candidates();
            nInstructions = zeroShot ? auto.candidates() : auto.candidates() / 2;
            trials = defaultTrials(predictors, zeroShot, auto.candidates());
            useMinibatch = val.size() > MIN_MINIBATCH_VALSET;
        } else {
            nDemoSets = numCandidates;
            nInstructions = numCandidates;
            trials = numTrials != null ? numTrials : defaultTrials(predictors, zeroShot, numCandidates);
            useMinibatch = minibatch != null ? minibatch : val.size() > MIN_MINIBATCH_VALSET;
        }
        if (useMinibatch && minibatchSize > val.size()) {
            throw new IllegalArgumentException("MIPROv2: minibatchSize " + minibatchSize
                    + " exceeds the validation set's " + val.size() + " examples");
        }

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
                    nDemoSets,
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
                    run.traced(() -> proposer.propose(program, data, demoSets, nInstructions, random));
            Search search = new Search(run, program, instructions, zeroShot ? null : demoSets, val);
            search.run(trials, useMinibatch, random);
        } catch (OptimizationStopped stopped) {
            run.stopped(stopped);
        }
        return run.finish(program);
    }

    /** DSPy's trial count: {@code max(2·v·log2(n), 1.5·n)}, v = predictors (twice that with demos). */
    static int defaultTrials(int predictors, boolean zeroShot, int candidates) {
        int vars = zeroShot ? predictors : 2 * predictors;
        return (int) Math.max(2 * vars * (Math.log(candidates) / Math.log(2)), 1.5 * candidates);
    }

    /** The search over instruction and demo-set indices. */
    private final class Search {
        private final OptimizerRun run;
        private final Module program;
        private final Map<String, List<String>> instructions;
        private final Map<String, List<List<Example>>> demoSets;
        private final List<Example> val;
        private final TpeSampler tpe;
        private final Map<Map<String, Integer>, List<Double>> minibatchScores = new LinkedHashMap<>();
        private final Set<Map<String, Integer>> fullyScored = new HashSet<>();

        Search(
                OptimizerRun run,
                Module program,
                Map<String, List<String>> instructions,
                Map<String, List<List<Example>>> demoSets,
                List<Example> val) {
            this.run = run;
            this.program = program;
            this.instructions = instructions;
            this.demoSets = demoSets;
            this.val = val;
            Map<String, Integer> space = new LinkedHashMap<>();
            instructions.forEach((name, list) -> {
                space.put(name + ".instruction", list.size());
                if (demoSets != null)
                    space.put(name + ".demos", demoSets.get(name).size());
            });
            this.tpe = TpeSampler.builder(space).seed(seed).build();
        }

        void run(int trials, boolean useMinibatch, Random random) {
            EvaluationResult base = run.evaluate(program, val);
            run.trial("default program", OptimizerRun.describe(program), base.score(), program);
            Map<String, Integer> zero = new LinkedHashMap<>();
            tpe.parameters().forEach(p -> zero.put(p, 0));
            tpe.observe(zero, base.score());
            for (int t = 1; t <= trials; t++) {
                Map<String, Integer> params = tpe.suggest();
                Module candidate = build(params);
                List<Example> batch = useMinibatch ? LabeledFewShot.sample(val, minibatchSize, random) : val;
                EvaluationResult r = run.evaluate(candidate, batch);
                tpe.observe(params, r.score());
                if (!useMinibatch) {
                    run.trial("trial " + t + " " + params, describe(candidate, params), r.score(), candidate);
                    continue;
                }
                run.minibatchTrial(
                        "trial " + t + " (minibatch of " + batch.size() + ") " + params,
                        describe(candidate, params),
                        r.score());
                minibatchScores.computeIfAbsent(params, k -> new ArrayList<>()).add(r.score());
                if (t % fullEvalSteps == 0 || t == trials) fullEvaluation();
            }
        }

        /** Scores the combination with the best mean minibatch score not yet fully scored on the whole valset. */
        private void fullEvaluation() {
            Map<String, Integer> best = null;
            double bestMean = Double.NEGATIVE_INFINITY;
            for (Map.Entry<Map<String, Integer>, List<Double>> e : minibatchScores.entrySet()) {
                if (fullyScored.contains(e.getKey())) continue;
                double mean = e.getValue().stream()
                        .mapToDouble(Double::doubleValue)
                        .average()
                        .orElse(0);
                if (mean > bestMean) {
                    best = e.getKey();
                    bestMean = mean;
                }
            }
            if (best == null) return;
            fullyScored.add(best);
            Module candidate = build(best);
            EvaluationResult r = run.evaluate(candidate, val);
            tpe.observe(best, r.score());
            run.trial("full evaluation " + best, describe(candidate, best), r.score(), candidate);
        }

        private Module build(Map<String, Integer> params) {
            Map<String, Predict> replaced = new LinkedHashMap<>();
            program.predictors().forEach((name, p) -> {
                Predict q = p.withInstructions(instructions.get(name).get(params.get(name + ".instruction")));
                if (demoSets != null) q = q.withDemos(demoSets.get(name).get(params.get(name + ".demos")));
                replaced.put(name, q);
            });
            return program.withPredictors(replaced);
        }

        private Map<String, Object> describe(Module candidate, Map<String, Integer> params) {
            Map<String, Object> d = new LinkedHashMap<>(OptimizerRun.describe(candidate));
            d.put("params", params);
            return d;
        }
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

        /** The LM that describes the data and proposes instructions (default: the first predictor's LM). */
        public Builder promptModel(LanguageModel lm) {
            this.promptModel = Objects.requireNonNull(lm, "promptModel");
            return this;
        }

        /** The LM every predictor uses while optimizing and in the result (default: their own). */
        public Builder taskModel(LanguageModel lm) {
            this.taskModel = lm;
            return this;
        }

        /** The program run to bootstrap demos (default: the student). */
        public Builder teacher(Module t) {
            this.teacher = t;
            return this;
        }

        /** Traced demos per set (default 4); 0 together with {@code maxLabeledDemos(0)} is zero-shot mode. */
        public Builder maxBootstrappedDemos(int n) {
            if (n < 0) throw new IllegalArgumentException("maxBootstrappedDemos must be >= 0, not " + n);
            this.maxBootstrapped = n;
            return this;
        }

        /** Labeled demos per set (default 4). */
        public Builder maxLabeledDemos(int n) {
            if (n < 0) throw new IllegalArgumentException("maxLabeledDemos must be >= 0, not " + n);
            this.maxLabeled = n;
            return this;
        }

        /** Instruction and demo-set candidates per predictor, instead of an {@code auto} preset (at least 1). */
        public Builder numCandidates(int n) {
            if (n < 1) throw new IllegalArgumentException("numCandidates must be at least 1, not " + n);
            this.numCandidates = n;
            return this;
        }

        /** Search trials, with {@link #numCandidates} (default: DSPy's formula). */
        public Builder numTrials(int n) {
            if (n < 0) throw new IllegalArgumentException("numTrials must be >= 0, not " + n);
            this.numTrials = n;
            return this;
        }

        /** Score trials on minibatches (default: when the valset has more than 50 examples). */
        public Builder minibatch(boolean on) {
            this.minibatch = on;
            return this;
        }

        /** Examples per minibatch (default 35). */
        public Builder minibatchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("minibatchSize must be at least 1, not " + n);
            this.minibatchSize = n;
            return this;
        }

        /** Minibatch trials between full evaluations (default 5). */
        public Builder minibatchFullEvalSteps(int n) {
            if (n < 1) throw new IllegalArgumentException("minibatchFullEvalSteps must be at least 1, not " + n);
            this.fullEvalSteps = n;
            return this;
        }

        /** The seed (default 9, as DSPy's). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** The proposer's sampling temperature (default 1.0). */
        public Builder initTemperature(double t) {
            this.initTemperature = t;
            return this;
        }

        /** The score a bootstrapped run must reach (default: any score above 0). */
        public Builder metricThreshold(double t) {
            this.threshold = t;
            return this;
        }

        /** Show the proposer a description of the training data (default true; false saves that call). */
        public Builder dataAwareProposer(boolean on) {
            this.dataAware = on;
            return this;
        }

        /** Show the proposer the program's structure: every predictor's name, signature and instruction (default true). */
        public Builder programAwareProposer(boolean on) {
            this.programAware = on;
            return this;
        }

        /** Show the proposer demos of the predictor from the candidate demo sets (default true). */
        public Builder fewshotAwareProposer(boolean on) {
            this.fewshotAware = on;
            return this;
        }

        /** Give the proposer a tip drawn at random (default true). */
        public Builder tipAwareProposer(boolean on) {
            this.tipAware = on;
            return this;
        }

        public MIPROv2 build() {
            return new MIPROv2(this);
        }
    }
}
