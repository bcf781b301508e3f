package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.EvaluationResult;
import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

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
    private final int minibatchSize;
    private final boolean useMerge;
    private final int maxMergeInvocations;
    private final boolean skipPerfectScore;
    private final double perfectScore;
    private final long seed;
    private final RunSettings settings;

    private GEPA(Builder b) {
        this.metric = b.metric;
        this.reflectionLm = b.reflectionLm;
        this.taskModel = b.taskModel;
        this.minibatchSize = b.minibatchSize;
        this.useMerge = b.useMerge;
        this.maxMergeInvocations = b.maxMergeInvocations;
        this.skipPerfectScore = b.skipPerfectScore;
        this.perfectScore = b.perfectScore;
        this.seed = b.seed;
        this.settings = b.runSettings();
        Budget budget = settings.budget();
        if ((budget.maxMetricCalls() == null) == (budget.auto() == null)) {
            throw new IllegalArgumentException(
                    "GEPA needs exactly one budget: maxMetricCalls(n) or auto(LIGHT|MEDIUM|HEAVY)");
        }
    }

    /** A builder scoring with {@code metric}; set a budget, and preferably a reflection LM. */
    public static Builder builder(Metric metric) {
        return new Builder(metric);
    }

    /** Optimizes with {@code trainset} as both the reflection set and the validation set. */
    @Override
    public Module compile(Module student, List<Example> trainset) {
        return compile(student, trainset, trainset);
    }

    /** Optimizes, reflecting on minibatches of {@code trainset} and keeping the frontier on {@code valset}. */
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
        new Loop(run, program, new Reflection(reflector), List.copyOf(trainset), List.copyOf(valset)).run();
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

    /** The state of one run. */
    private final class Loop {
        private final OptimizerRun run;
        private final Module program;
        private final Reflection reflection;
        private final List<Example> train;
        private final List<Example> val;
        private final List<String> names;
        private final Random random = new Random(seed);
        private final ParetoFrontier frontier;
        private final List<Map<String, String>> candidates = new ArrayList<>();
        private final List<List<Integer>> parents = new ArrayList<>();
        private final List<Integer> nextPredictor = new ArrayList<>();
        private final InstructionMerge merge = new InstructionMerge();
        private final List<Integer> epoch = new ArrayList<>();
        private int step;
        private int mergesDue;
        private int mergesTested;
        private boolean foundNew;

        Loop(OptimizerRun run, Module program, Reflection reflection, List<Example> train, List<Example> val) {
            this.run = run;
            this.reflection = reflection;
            this.program = program;
            this.train = train;
            this.val = val;
            this.names = List.copyOf(program.predictors().keySet());
            this.frontier = new ParetoFrontier(val.size());
        }

        void run() {
            try {
                Map<String, String> seedSet = new LinkedHashMap<>();
                program.predictors()
                        .forEach((n, p) -> seedSet.put(n, p.signature().instructions()));
                EvaluationResult base = run.evaluate(program, val);
                add(seedSet, List.of(), base, "seed", program);
                while (true) {
                    run.checkStop();
                    step++;
                    if (useMerge && foundNew && mergesDue > 0 && tryMerge()) continue;
                    foundNew = false;
                    reflect();
                }
            } catch (OptimizationStopped stopped) {
                run.stopped(stopped);
            }
        }

        private void reflect() {
            int mb = Math.min(minibatchSize, train.size());
            if (!run.canAfford(2L * mb + val.size())) throw new OptimizationStopped("budget");
            int parent = frontier.select(random);
            List<Example> batch = nextBatch(mb);
            Module parentProgram = build(candidates.get(parent));
            EvaluationResult before = run.evaluate(parentProgram, batch);
            if (skipPerfectScore && before.rows().stream().allMatch(r -> r.score() >= perfectScore)) return;
            int turn = nextPredictor.get(parent);
            nextPredictor.set(parent, (turn + 1) % names.size());
            String name = names.get(turn);
            Predict predictor = parentProgram.predictors().get(name);
            List<String> records = Reflection.records(before, predictor, name);
            if (records.isEmpty()) return;
            String current = candidates.get(parent).get(name);
            String proposed = run.traced(() -> reflection.rewrite(current, records, "gepa-" + seed + "-" + step));
            if (proposed.isEmpty() || proposed.equals(current)) return;
            Map<String, String> child = new LinkedHashMap<>(candidates.get(parent));
            child.put(name, proposed);
            Module childProgram = build(child);
            EvaluationResult after = run.evaluate(childProgram, batch);
            String label = "step " + step + ": " + name + " rewritten from candidate " + parent;
            run.minibatchTrial(label + " (minibatch of " + batch.size() + ")", describe(child), after.score());
            if (sum(after) <= sum(before)) return;
            EvaluationResult full = run.evaluate(childProgram, val);
            add(child, List.of(parent), full, label, childProgram);
            foundNew = true;
            if (useMerge && mergesTested < maxMergeInvocations) mergesDue++;
        }

        /** Tries one merge; false if no pair could be merged (the step then reflects instead). */
        private boolean tryMerge() {
            foundNew = false;
            double[] means = new double[candidates.size()];
            for (int c = 0; c < means.length; c++) means[c] = frontier.mean(c);
            Optional<InstructionMerge.Proposal> p =
                    merge.propose(candidates, parents, means, frontier.dominators(), random);
            if (p.isEmpty()) return false;
            mergesDue--;
            mergesTested++;
            InstructionMerge.Proposal m = p.get();
            double[] s1 = frontier.scores(m.parent1());
            double[] s2 = frontier.scores(m.parent2());
            List<Integer> ids = InstructionMerge.subsample(s1, s2, 5, random);
            if (!run.canAfford((long) ids.size() + val.size())) throw new OptimizationStopped("budget");
            List<Example> sub = new ArrayList<>();
            double sum1 = 0;
            double sum2 = 0;
            for (int id : ids) {
                sub.add(val.get(id));
                sum1 += s1[id];
                sum2 += s2[id];
            }
            Module merged = build(m.instructions());
            EvaluationResult r = run.evaluate(merged, sub);
            String label = "step " + step + ": merge of candidates " + m.parent1() + " and " + m.parent2()
                    + " (ancestor " + m.ancestor() + ")";
            run.minibatchTrial(
                    label + " (" + sub.size() + " validation examples)", describe(m.instructions()), r.score());
            if (sum(r) < Math.max(sum1, sum2)) return true;
            EvaluationResult full = run.evaluate(merged, val);
            add(m.instructions(), List.of(m.parent1(), m.parent2()), full, label, merged);
            return true;
        }

        private void add(
                Map<String, String> instructions,
                List<Integer> from,
                EvaluationResult full,
                String label,
                Module built) {
            double[] scores = new double[val.size()];
            for (EvaluationResult.Row row : full.rows()) scores[row.index()] = row.score();
            frontier.add(scores);
            candidates.add(Map.copyOf(instructions));
            parents.add(from);
            // a new candidate continues its parents' turn order (the furthest of them), as GEPA's does
            nextPredictor.add(from.stream().mapToInt(nextPredictor::get).max().orElse(0));
            Map<String, Object> d = describe(instructions);
            d.put("candidate", candidates.size() - 1);
            d.put("parents", from);
            run.trial(label, d, full.score(), built);
        }

        private List<Example> nextBatch(int size) {
            if (epoch.size() < size) {
                epoch.clear();
                for (int i = 0; i < train.size(); i++) epoch.add(i);
                Collections.shuffle(epoch, random);
            }
            List<Example> batch = new ArrayList<>(size);
            for (int i = 0; i < size; i++) batch.add(train.get(epoch.remove(0)));
            return batch;
        }

        private Module build(Map<String, String> instructions) {
            Map<String, Predict> replaced = new LinkedHashMap<>();
            program.predictors().forEach((n, p) -> replaced.put(n, p.withInstructions(instructions.get(n))));
            return program.withPredictors(replaced);
        }

        private Map<String, Object> describe(Map<String, String> instructions) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("instructions", new LinkedHashMap<>(instructions));
            return d;
        }

        private double sum(EvaluationResult r) {
            return r.rows().stream().mapToDouble(EvaluationResult.Row::score).sum();
        }
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
         */
        public Builder reflectionLm(LanguageModel lm) {
            this.reflectionLm = Objects.requireNonNull(lm, "reflectionLm");
            return this;
        }

        /** The LM every predictor uses while optimizing and in the result (default: their own). */
        public Builder taskModel(LanguageModel lm) {
            this.taskModel = lm;
            return this;
        }

        /** Training examples per reflection step (default 3). */
        public Builder reflectionMinibatchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("reflectionMinibatchSize must be at least 1, not " + n);
            this.minibatchSize = n;
            return this;
        }

        /** Try merging candidates that improved different predictors (default true). */
        public Builder useMerge(boolean on) {
            this.useMerge = on;
            return this;
        }

        /** The most merges tried (default 5). */
        public Builder maxMergeInvocations(int n) {
            if (n < 0) throw new IllegalArgumentException("maxMergeInvocations must be >= 0, not " + n);
            this.maxMergeInvocations = n;
            return this;
        }

        /** Skip a step whose parent scores at least {@code perfectScore} on every minibatch example (default on, 1.0). */
        public Builder skipPerfectScore(boolean on) {
            this.skipPerfectScore = on;
            return this;
        }

        /** The score that counts as perfect (default 1.0). */
        public Builder perfectScore(double s) {
            this.perfectScore = s;
            return this;
        }

        /** The seed (default 0). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public GEPA build() {
            return new GEPA(this);
        }
    }
}
