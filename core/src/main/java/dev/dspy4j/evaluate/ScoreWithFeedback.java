package dev.dspy4j.evaluate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a metric says about one prediction: a score (higher is better), and optionally text feedback
 * saying what was wrong or right, for the whole program and per predictor (keyed by the predictor
 * name of {@link dev.dspy4j.module.Module#predictors()}, e.g. {@code draft.predict}). Reflective
 * optimizers (GEPA) show the feedback to a reflection LM; others use only the score. Immutable.
 *
 * @param score             the score; must not be NaN
 * @param feedback          feedback on the whole prediction, or null
 * @param predictorFeedback feedback for single predictors, by predictor name (may be empty)
 */
public record ScoreWithFeedback(double score, String feedback, Map<String, String> predictorFeedback) {
    /**
     * Checks and copies the components.
     *
     * @param score the score
     * @param feedback the whole-prediction feedback, or null
     * @param predictorFeedback the per-predictor feedback; copied
     *
     * @throws IllegalArgumentException if {@code score} is NaN, or a predictor name or text is null
     * @throws NullPointerException if {@code predictorFeedback} is null
     */
    public ScoreWithFeedback {
        if (Double.isNaN(score))
            throw new IllegalArgumentException("the metric returned NaN; a score must be a number");
        Objects.requireNonNull(predictorFeedback, "predictorFeedback");
        for (Map.Entry<String, String> e : predictorFeedback.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("predictorFeedback has a null name or text: " + predictorFeedback);
            }
        }
        predictorFeedback = Collections.unmodifiableMap(new LinkedHashMap<>(predictorFeedback));
    }

    /**
     * A bare score without feedback.
     *
     * @param score the score; not NaN
     * @return the result
     */
    public static ScoreWithFeedback of(double score) {
        return new ScoreWithFeedback(score, null, Map.of());
    }

    /**
     * A score with feedback on the whole prediction.
     *
     * @param score the score; not NaN
     * @param feedback the feedback, or null for none
     * @return the result
     */
    public static ScoreWithFeedback of(double score, String feedback) {
        return new ScoreWithFeedback(score, feedback, Map.of());
    }

    /**
     * This result with feedback for one predictor added (or replaced).
     *
     * @param predictor the predictor name, as a key of {@link dev.dspy4j.module.Module#predictors()}
     * @param text the feedback for it
     * @return a new result; this one is unchanged
     */
    public ScoreWithFeedback withPredictorFeedback(String predictor, String text) {
        Map<String, String> m = new LinkedHashMap<>(predictorFeedback);
        m.put(Objects.requireNonNull(predictor, "predictor"), Objects.requireNonNull(text, "text"));
        return new ScoreWithFeedback(score, feedback, m);
    }

    /**
     * The feedback for predictor {@code name}: its own if the metric gave one, else the feedback on
     * the whole prediction, else null.
     *
     * @param name the predictor name, as a key of {@link dev.dspy4j.module.Module#predictors()}
     * @return the feedback, or null when there is none
     */
    public String feedbackFor(String name) {
        String own = predictorFeedback.get(name);
        return own != null ? own : feedback;
    }
}
