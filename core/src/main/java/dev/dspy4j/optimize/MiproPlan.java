package dev.dspy4j.optimize;

import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.Random;

/**
 * How large one {@link MIPROv2} run is: candidates, trials, minibatching and the validation set, after
 * DSPy's {@code MIPROv2._set_hyperparams_from_run_mode} (an {@code auto} preset) and
 * {@code _set_num_trials_from_num_candidates} (explicit {@code numCandidates}).
 *
 * @param val the validation set, sampled down to the preset's size cap
 * @param demoSets demo-set candidates per predictor
 * @param instructions instruction candidates per predictor
 * @param trials search trials
 * @param minibatch whether trials score on minibatches
 * @param minibatchSize examples per minibatch
 * @param fullEvalSteps minibatch trials between full evaluations
 */
record MiproPlan(
        List<Example> val,
        int demoSets,
        int instructions,
        int trials,
        boolean minibatch,
        int minibatchSize,
        int fullEvalSteps) {
    /** DSPy minibatches only a validation set larger than this. */
    static final int MIN_MINIBATCH_VALSET = 50;

    /**
     * The sizes a user set on the builder, before a run's data is known.
     *
     * @param numCandidates explicit candidates, or null for an {@code auto} preset
     * @param numTrials explicit trials, or null for {@link #defaultTrials}
     * @param minibatch the explicit choice, or null to minibatch a valset over 50 examples
     * @param minibatchSize examples per minibatch
     * @param fullEvalSteps minibatch trials between full evaluations
     */
    record Sizing(Integer numCandidates, Integer numTrials, Boolean minibatch, int minibatchSize, int fullEvalSteps) {

        /**
         * The run settings with DSPy's default preset, {@code light}, when neither a preset nor
         * {@code numCandidates} is set.
         *
         * @throws IllegalArgumentException if a preset is set together with {@code numCandidates} or
         *     {@code numTrials}, or {@code numTrials} without {@code numCandidates} (as DSPy refuses)
         */
        RunSettings settle(RunSettings s) {
            if (s.budget().auto() != null && (numCandidates != null || numTrials != null)) {
                throw new IllegalArgumentException(
                        "MIPROv2: auto sets the candidates and trials; do not also set numCandidates or numTrials");
            }
            if (numTrials != null && numCandidates == null) {
                throw new IllegalArgumentException("MIPROv2: numTrials(" + numTrials
                        + ") needs numCandidates(n) too; without it the light preset sets the trials");
            }
            if (s.budget().auto() != null || numCandidates != null) return s;
            return new RunSettings(
                    new Budget(s.budget().maxMetricCalls(), s.budget().maxTrials(), Budget.Auto.LIGHT),
                    s.threads(),
                    s.listener(),
                    s.trialLog(),
                    s.stop());
        }

        /**
         * The plan for a run; a preset wins over the explicit numbers.
         *
         * @param random draws the valset sample (only when the preset caps it)
         * @throws IllegalArgumentException if minibatches are bigger than the validation set
         */
        MiproPlan plan(Budget.Auto auto, boolean zeroShot, int predictors, List<Example> valset, Random random) {
            MiproPlan plan;
            if (auto != null) {
                List<Example> val =
                        valset.size() > auto.valSize() ? LabeledFewShot.sample(valset, auto.valSize(), random) : valset;
                plan = new MiproPlan(
                        val,
                        auto.candidates(),
                        zeroShot ? auto.candidates() : auto.candidates() / 2,
                        defaultTrials(predictors, zeroShot, auto.candidates()),
                        val.size() > MIN_MINIBATCH_VALSET,
                        minibatchSize,
                        fullEvalSteps);
            } else {
                plan = new MiproPlan(
                        valset,
                        numCandidates,
                        numCandidates,
                        numTrials != null ? numTrials : defaultTrials(predictors, zeroShot, numCandidates),
                        minibatch != null ? minibatch : valset.size() > MIN_MINIBATCH_VALSET,
                        minibatchSize,
                        fullEvalSteps);
            }
            if (plan.minibatch() && minibatchSize > plan.val().size()) {
                throw new IllegalArgumentException("MIPROv2: minibatchSize " + minibatchSize
                        + " exceeds the validation set's " + plan.val().size() + " examples");
            }
            return plan;
        }
    }

    /** DSPy's trial count: {@code max(2·v·log2(n), 1.5·n)}, v = predictors (twice that with demos). */
    static int defaultTrials(int predictors, boolean zeroShot, int candidates) {
        int vars = zeroShot ? predictors : 2 * predictors;
        return (int) Math.max(2 * vars * (Math.log(candidates) / Math.log(2)), 1.5 * candidates);
    }
}
