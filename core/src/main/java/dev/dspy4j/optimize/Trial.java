package dev.dspy4j.optimize;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One scored candidate of an optimizer run, as written to the trial log.
 *
 * @param number      1-based position in the run
 * @param label       a short name for the candidate (e.g. {@code zero-shot}, {@code bootstrap seed 3})
 * @param candidate   what the candidate is, as JSON-safe values (instructions and demo counts per predictor...)
 * @param score       its score on the examples it was scored on (the built-in optimizers use the
 *                    dev-set percentage, {@link dev.dspy4j.evaluate.EvaluationResult#score()})
 * @param examples    how many examples were scored (the metric calls of this trial)
 * @param cost        LM calls and tokens spent since the previous trial (proposing, bootstrapping and scoring)
 * @param bestSoFar   the best score of the run after this trial
 */
public record Trial(
        int number,
        String label,
        Map<String, Object> candidate,
        double score,
        int examples,
        Cost cost,
        double bestSoFar) {
    /**
     * Copies {@code candidate}, keeping its order.
     *
     * @param number 1-based position in the run
     * @param label the candidate's short name
     * @param candidate its description; copied
     * @param score its score
     * @param examples examples scored
     * @param cost LM work since the previous trial
     * @param bestSoFar the best score after this trial
     */
    public Trial {
        candidate = Collections.unmodifiableMap(new LinkedHashMap<>(candidate));
    }
}
