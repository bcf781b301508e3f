package dev.dspy4j.module;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Records which predictors ran, with what inputs and outputs, while a program runs on this
 * thread and on the worker threads of any {@link Parallel} run it starts (their steps are added in
 * input order when the run ends). Used by metrics, and by optimizers to turn successful runs into
 * demos.
 */
public final class Trace {
    /**
     * One predictor call.
     *
     * @param predictor the predictor that ran
     * @param inputs    its inputs
     * @param outputs   its prediction
     */
    public record Step(Predict predictor, Map<String, Object> inputs, Prediction outputs) {
        /**
         * Copies the inputs, keeping their order and any {@code null} value.
         *
         * @param predictor the predictor that ran
         * @param inputs its inputs; a {@code null} value is an absent optional input
         * @param outputs its prediction
         */
        public Step {
            // an unmodifiable copy that keeps the order and allows null (an absent optional input)
            inputs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(inputs));
        }
    }

    /**
     * A traced result.
     *
     * @param value the supplier's result
     * @param steps every predictor call, in order
     * @param <T> the type of the value
     */
    public record Traced<T>(T value, List<Step> steps) {
        /**
         * Copies the steps.
         *
         * @param value the supplier's result
         * @param steps every predictor call, in order; copied, no {@code null} element
         */
        public Traced {
            steps = List.copyOf(steps);
        }
    }

    private static final ThreadLocal<List<Step>> CURRENT = new ThreadLocal<>();

    private Trace() {}

    /**
     * Runs {@code body} on this thread and returns its result with the predictor calls it made.
     * Captures nest: an enclosing capture on this thread also gets these steps.
     *
     * @param <T> the type of the body's result
     * @param body the code to run, e.g. {@code () -> program.call(inputs)}
     * @return the result and the steps, in the order they ran
     */
    public static <T> Traced<T> capture(Supplier<T> body) {
        return run(body, true);
    }

    /**
     * Like {@link #capture}, but the steps are not added to an enclosing capture: the caller decides
     * which of them to {@link #record} (BestOfN and Refine keep only the chosen attempt's steps).
     */
    static <T> Traced<T> captureIsolated(Supplier<T> body) {
        return run(body, false);
    }

    /** Runs {@code body} with a fresh step list; {@code propagate} adds its steps to an enclosing capture. */
    private static <T> Traced<T> run(Supplier<T> body, boolean propagate) {
        List<Step> outer = CURRENT.get();
        List<Step> steps = new ArrayList<>();
        CURRENT.set(steps);
        try {
            T value = body.get();
            return new Traced<>(value, List.copyOf(steps));
        } finally {
            if (outer != null) {
                if (propagate) outer.addAll(steps);
                CURRENT.set(outer);
            } else {
                CURRENT.remove();
            }
        }
    }

    /** The step list of the capture active on this thread, or null; only that thread may add to it. */
    static List<Step> active() {
        return CURRENT.get();
    }

    /**
     * Runs {@code body} on this thread with its steps going to {@code sink} (also when it throws), not to
     * any enclosing capture. {@link Parallel} runs each item so on its worker thread, then hands the
     * steps to the capture that was active where the run started.
     */
    static <T> T collectInto(List<Step> sink, Supplier<T> body) {
        List<Step> outer = CURRENT.get();
        CURRENT.set(sink);
        try {
            return body.get();
        } finally {
            if (outer != null) CURRENT.set(outer);
            else CURRENT.remove();
        }
    }

    /** Records a step if a capture is active on this thread. */
    static void record(Predict predictor, Map<String, Object> inputs, Prediction outputs) {
        List<Step> steps = CURRENT.get();
        if (steps != null) steps.add(new Step(predictor, inputs, outputs));
    }
}
