package dev.dspy4j.optimize;

import dev.dspy4j.evaluate.EvaluationResult;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Step 3 of {@link MIPROv2}, after DSPy's {@code MIPROv2._optimize_prompt_parameters}: the Bayesian
 * search over one instruction index and (unless zero-shot) one demo-set index per predictor, with
 * {@link TpeSampler} in the place of Optuna's {@code TPESampler}.
 *
 * <p>The default program (index 0 everywhere: the current instructions and the first demo-set
 * candidate) is scored on the whole validation set first and seeds the sampler. Each trial then scores
 * the suggested combination: on the whole set, or on a random minibatch; in minibatch mode, every
 * {@code fullEvalSteps} trials and after the last, the combination with the best mean minibatch score
 * not yet fully scored is scored on the whole set (DSPy's {@code _perform_full_evaluation}). Every score
 * goes to the sampler; only full scores are eligible as the run's best ({@link OptimizerRun}).
 */
final class MiproSearch {
    private final OptimizerRun run;
    private final Module program;
    private final Map<String, List<String>> instructions;
    private final Map<String, List<List<Example>>> demoSets;
    private final List<Example> val;
    private final MiproPlan plan;
    private final TpeSampler tpe;
    private final Map<Map<String, Integer>, List<Double>> minibatchScores = new LinkedHashMap<>();
    private final Set<Map<String, Integer>> fullyScored = new HashSet<>();

    /**
     * Sets up the sampler's space: {@code NAME.instruction} and {@code NAME.demos} per predictor.
     *
     * @param instructions per predictor name, its instruction candidates (the current one first)
     * @param demoSets per predictor name, its demo-set candidates, or null to search instructions only
     * @param plan the validation set, trials and minibatch settings
     * @param seed the sampler's seed
     */
    MiproSearch(
            OptimizerRun run,
            Module program,
            Map<String, List<String>> instructions,
            Map<String, List<List<Example>>> demoSets,
            MiproPlan plan,
            long seed) {
        this.run = run;
        this.program = program;
        this.instructions = instructions;
        this.demoSets = demoSets;
        this.plan = plan;
        this.val = plan.val();
        Map<String, Integer> space = new LinkedHashMap<>();
        instructions.forEach((name, list) -> {
            space.put(name + ".instruction", list.size());
            if (demoSets != null) space.put(name + ".demos", demoSets.get(name).size());
        });
        this.tpe = TpeSampler.builder(space).seed(seed).build();
    }

    /** Scores the default program, then runs the plan's trials; stops by {@link OptimizationStopped}. */
    void run(Random random) {
        int trials = plan.trials();
        boolean useMinibatch = plan.minibatch();
        EvaluationResult base = run.evaluate(program, val);
        run.trial("default program", OptimizerRun.describe(program), base.score(), program);
        Map<String, Integer> zero = new LinkedHashMap<>();
        tpe.parameters().forEach(p -> zero.put(p, 0));
        tpe.observe(zero, base.score());
        for (int t = 1; t <= trials; t++) {
            Map<String, Integer> params = tpe.suggest();
            Module candidate = build(params);
            List<Example> batch = useMinibatch ? LabeledFewShot.sample(val, plan.minibatchSize(), random) : val;
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
            if (t % plan.fullEvalSteps() == 0 || t == trials) fullEvaluation();
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

    /** The program with each predictor's chosen instruction and demo set. */
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
