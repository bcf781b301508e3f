package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.EvaluationResult;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One {@link GEPA} run, after the {@code gepa} package's {@code GEPAEngine}: the seed's full evaluation,
 * then steps of reflective mutation ({@code ReflectiveMutationProposer}: a parent drawn from the
 * Pareto frontier, a minibatch, one predictor's instruction rewritten by the reflection LM, kept if its
 * minibatch sum rises) and, after a step that found a new candidate, merges ({@code MergeProposer},
 * {@link InstructionMerge}), until the budget or a stop ends it ({@link OptimizationStopped}).
 */
final class GepaEngine {
    /**
     * The builder's settings a run needs.
     *
     * @param minibatchSize training examples per reflection step
     * @param useMerge whether merges are tried
     * @param maxMergeInvocations the most merges tried
     * @param skipPerfectScore whether a step whose parent is perfect on the minibatch is skipped
     * @param perfectScore the score that counts as perfect
     * @param seed the seed of shuffles, parent selection, merges and rollout ids
     */
    record Options(
            int minibatchSize,
            boolean useMerge,
            int maxMergeInvocations,
            boolean skipPerfectScore,
            double perfectScore,
            long seed) {}

    private final OptimizerRun run;
    private final Options options;
    private final Module program;
    private final Reflection reflection;
    private final List<Example> train;
    private final List<Example> val;
    private final List<String> names;
    private final Random random;
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

    GepaEngine(
            OptimizerRun run,
            Options options,
            Module program,
            Reflection reflection,
            List<Example> train,
            List<Example> val) {
        this.run = run;
        this.options = options;
        this.random = new Random(options.seed());
        this.reflection = reflection;
        this.program = program;
        this.train = train;
        this.val = val;
        this.names = List.copyOf(program.predictors().keySet());
        this.frontier = new ParetoFrontier(val.size());
    }

    /** Runs until the budget is spent or the run is stopped; the results are in the {@link OptimizerRun}. */
    void run() {
        try {
            Map<String, String> seedSet = new LinkedHashMap<>();
            program.predictors().forEach((n, p) -> seedSet.put(n, p.signature().instructions()));
            EvaluationResult base = run.evaluate(program, val);
            add(seedSet, List.of(), base, "seed", program);
            while (true) {
                run.checkStop();
                step++;
                if (options.useMerge() && foundNew && mergesDue > 0 && tryMerge()) continue;
                foundNew = false;
                reflect();
            }
        } catch (OptimizationStopped stopped) {
            run.stopped(stopped);
        }
    }

    private void reflect() {
        int mb = Math.min(options.minibatchSize(), train.size());
        if (!run.canAfford(2L * mb + val.size())) throw new OptimizationStopped("budget");
        int parent = frontier.select(random);
        List<Example> batch = nextBatch(mb);
        Module parentProgram = build(candidates.get(parent));
        EvaluationResult before = run.evaluate(parentProgram, batch);
        if (options.skipPerfectScore() && before.rows().stream().allMatch(r -> r.score() >= options.perfectScore()))
            return;
        int turn = nextPredictor.get(parent);
        nextPredictor.set(parent, (turn + 1) % names.size());
        String name = names.get(turn);
        Predict predictor = parentProgram.predictors().get(name);
        List<String> records = Reflection.records(before, predictor, name);
        if (records.isEmpty()) return;
        String current = candidates.get(parent).get(name);
        String proposed = run.traced(() -> reflection.rewrite(current, records, "gepa-" + options.seed() + "-" + step));
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
        if (options.useMerge() && mergesTested < options.maxMergeInvocations()) mergesDue++;
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
        String label = "step " + step + ": merge of candidates " + m.parent1() + " and " + m.parent2() + " (ancestor "
                + m.ancestor() + ")";
        run.minibatchTrial(label + " (" + sub.size() + " validation examples)", describe(m.instructions()), r.score());
        if (sum(r) < Math.max(sum1, sum2)) return true;
        EvaluationResult full = run.evaluate(merged, val);
        add(m.instructions(), List.of(m.parent1(), m.parent2()), full, label, merged);
        return true;
    }

    private void add(
            Map<String, String> instructions, List<Integer> from, EvaluationResult full, String label, Module built) {
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
