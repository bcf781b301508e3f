package dev.dspy4j.optimize;

/**
 * Progress of an optimizer run, reported after each trial.
 *
 * @param optimizer      the optimizer's name, e.g. {@code COPRO}
 * @param trials         trials finished
 * @param maxTrials      the trial limit, or null
 * @param metricCalls    metric calls so far
 * @param maxMetricCalls the metric-call limit, or null
 * @param bestScore      the best score so far
 * @param last           the trial just finished
 * @param cost           LM calls and tokens so far
 */
public record OptimizerProgress(
        String optimizer,
        int trials,
        Integer maxTrials,
        long metricCalls,
        Integer maxMetricCalls,
        double bestScore,
        Trial last,
        Cost cost) {

    /** Receives progress; called on the optimizing thread. An exception it throws is logged and ignored. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called after each recorded trial.
         *
         * @param progress the run's state after the trial
         */
        void onTrial(OptimizerProgress progress);
    }

    /**
     * One line for a console.
     *
     * @return e.g. {@code COPRO trial 4/12: 62.5 (best 75.0), 48 metric calls, 60 LM calls}; scores with one
     *     decimal, in {@link java.util.Locale#ROOT}
     */
    public String line() {
        return String.format(
                java.util.Locale.ROOT,
                "%s trial %d%s: %.1f (best %.1f), %d metric calls%s, %d LM calls",
                optimizer,
                trials,
                maxTrials == null ? "" : "/" + maxTrials,
                last.score(),
                bestScore,
                metricCalls,
                maxMetricCalls == null ? "" : " of " + maxMetricCalls,
                cost.lmCalls());
    }
}
