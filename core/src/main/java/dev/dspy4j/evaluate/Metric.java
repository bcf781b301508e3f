package dev.dspy4j.evaluate;

import dev.dspy4j.module.Prediction;
import dev.dspy4j.module.Trace;
import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Scores a prediction against its gold example; higher is better. Most metrics return a value in
 * [0, 1]; a boolean metric ({@link #of(BiPredicate)}) returns 1 or 0.
 *
 * <p>A metric may also look at the <em>trace</em> of the run (every predictor call that produced the
 * prediction, in order) and return text feedback ({@link ScoreWithFeedback}), as DSPy's metrics
 * {@code metric(gold, pred, trace)} and GEPA's feedback metrics do. Write such a metric with
 * {@link #withTrace(TracedMetric)}. {@link Evaluate} and the optimizers call
 * {@link #evaluate(Example, Prediction, List)}; a plain two-argument metric is adapted by its default.
 */
@FunctionalInterface
public interface Metric {

    /**
     * Scores one prediction.
     *
     * @param example the gold example, with its inputs and labels
     * @param prediction what the program returned for the example's inputs
     * @return the score, higher is better (usually in [0, 1]); never NaN
     */
    double score(Example example, Prediction prediction);

    /**
     * The score and feedback of {@code prediction} for {@code gold}, given the trace of the run that
     * produced it. The default ignores the trace and returns {@link #score} without feedback.
     *
     * @param gold the gold example, with its inputs and labels
     * @param prediction what the program returned for the example's inputs
     * @param trace the predictor calls of the run, in order (empty when not known)
     * @return the score and any feedback; never null
     */
    default ScoreWithFeedback evaluate(Example gold, Prediction prediction, List<Trace.Step> trace) {
        return ScoreWithFeedback.of(score(gold, prediction));
    }

    /**
     * A metric from a pass/fail test, as DSPy's boolean metrics.
     *
     * @param test the test, given the gold example and the prediction
     * @return a metric scoring 1.0 when the test passes, 0.0 otherwise
     */
    static Metric of(BiPredicate<Example, Prediction> test) {
        Objects.requireNonNull(test, "test");
        return (e, p) -> test.test(e, p) ? 1.0 : 0.0;
    }

    /**
     * A metric that sees the trace and may give feedback. Its {@link #score(Example, Prediction)} is
     * the score it gives with an empty trace.
     *
     * @param fn the metric function; returning null from it is an {@link IllegalStateException}
     * @return the metric
     */
    static Metric withTrace(TracedMetric fn) {
        Objects.requireNonNull(fn, "fn");
        return new Metric() {
            @Override
            public double score(Example example, Prediction prediction) {
                return evaluate(example, prediction, List.of()).score();
            }

            @Override
            public ScoreWithFeedback evaluate(Example gold, Prediction prediction, List<Trace.Step> trace) {
                ScoreWithFeedback r = fn.evaluate(gold, prediction, trace);
                if (r == null) throw new IllegalStateException("the metric returned null for " + gold);
                return r;
            }
        };
    }

    /** The function behind {@link #withTrace}: gold example, prediction and trace in, score and feedback out. */
    @FunctionalInterface
    interface TracedMetric {
        /**
         * Scores one prediction, with feedback if it has any.
         *
         * @param gold the gold example
         * @param prediction what the program returned for the example's inputs
         * @param trace the predictor calls of the run, in order (empty when not known)
         * @return the score and any feedback; not null
         */
        ScoreWithFeedback evaluate(Example gold, Prediction prediction, List<Trace.Step> trace);
    }
}
