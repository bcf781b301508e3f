package dev.dspy4j.evaluate;

import dev.dspy4j.module.Module;
import dev.dspy4j.module.Parallel;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.module.Trace;
import dev.dspy4j.signature.Example;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a program over a dev set and scores each prediction with a metric.
 *
 * <p>An example whose run fails (an exception from the program, a parse error, a timeout) or whose
 * metric throws gets the {@link Builder#failureScore(double) failure score} (0 by default) and keeps
 * its error in its row. The aggregate is described in {@link EvaluationResult}.
 *
 * <pre>{@code
 * EvaluationResult r = Evaluate.builder(devset, Metrics.exactMatch()).threads(8).build().run(program);
 * System.out.printf("%.1f%%%n", r.score());
 * r.writeCsv(Path.of("eval.csv"));
 * }</pre>
 */
public final class Evaluate {
    private final List<Example> devset;
    private final Metric metric;
    private final double failureScore;
    private final Parallel parallel;

    private Evaluate(Builder b) {
        this.devset = List.copyOf(b.devset);
        this.metric = b.metric;
        this.failureScore = b.failureScore;
        this.parallel = b.parallel.build();
    }

    /**
     * A builder for evaluating on {@code devset} with {@code metric}.
     *
     * @param devset the examples, each with its input keys marked ({@link Example#withInputs}); copied at
     *     {@link Builder#build()}
     * @param metric scores each prediction
     * @return the builder
     * @throws IllegalArgumentException if an example has no input keys marked
     */
    public static Builder builder(List<Example> devset, Metric metric) {
        return new Builder(devset, metric);
    }

    /**
     * Evaluates {@code program} on every example; the program is not changed. Each run is traced, and
     * the metric gets the trace ({@link Metric#evaluate}); each row keeps the trace and the feedback.
     *
     * @param program the program to run; not changed
     * @return one row per example that ran, in dev-set order
     * @throws dev.dspy4j.module.ParallelException once {@link Builder#maxErrors(int) maxErrors} runs have failed
     *     (the k-th failure stops the run), or if the calling thread is interrupted; it holds the outcomes so far
     */
    public EvaluationResult run(Module program) {
        Objects.requireNonNull(program, "program");
        Parallel.Result<Trace.Traced<Prediction>> result =
                parallel.run(devset, ex -> Trace.capture(() -> program.call(ex)));
        List<EvaluationResult.Row> rows = new ArrayList<>(devset.size());
        for (int i = 0; i < devset.size(); i++) {
            Example ex = devset.get(i);
            Parallel.Outcome<Trace.Traced<Prediction>> o = result.get(i);
            if (o == null) continue;
            if (!o.ok()) {
                rows.add(new EvaluationResult.Row(i, ex, null, failureScore, o.error()));
                continue;
            }
            Prediction prediction = o.value().value();
            List<Trace.Step> trace = o.value().steps();
            ScoreWithFeedback scored;
            try {
                scored = metric.evaluate(ex, prediction, trace);
                if (scored == null) throw new IllegalStateException("the metric returned null for example " + i);
            } catch (RuntimeException e) {
                // a NaN score is refused by ScoreWithFeedback, and lands here too
                rows.add(new EvaluationResult.Row(i, ex, prediction, failureScore, e, null, trace));
                continue;
            }
            rows.add(new EvaluationResult.Row(i, ex, prediction, scored.score(), null, scored, trace));
        }
        return new EvaluationResult(rows);
    }

    /** Builds an {@link Evaluate}; the run settings are {@link Parallel}'s, checked there. */
    public static final class Builder {
        private final List<Example> devset;
        private final Metric metric;
        private final Parallel.Builder parallel = Parallel.builder();
        private double failureScore = 0.0;

        private Builder(List<Example> devset, Metric metric) {
            this.devset = Objects.requireNonNull(devset, "devset");
            this.metric = Objects.requireNonNull(metric, "metric");
            for (int i = 0; i < devset.size(); i++) {
                if (devset.get(i).inputKeys().isEmpty()) {
                    throw new IllegalArgumentException(
                            "dev set example " + i + " has no input keys marked; call withInputs(...)");
                }
            }
        }

        /**
         * How many examples run at once.
         *
         * @param n at least 1 (default 1)
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder threads(int n) {
            parallel.threads(n);
            return this;
        }

        /**
         * The score of an example whose run or metric failed.
         *
         * @param s the score (default 0)
         * @return this builder
         */
        public Builder failureScore(double s) {
            this.failureScore = s;
            return this;
        }

        /**
         * Stop with a {@link dev.dspy4j.module.ParallelException} after this many failed runs.
         *
         * @param k at least 1 (default: never stop); the k-th failed run stops the evaluation
         * @return this builder
         * @throws IllegalArgumentException if {@code k} is less than 1
         */
        public Builder maxErrors(int k) {
            parallel.maxErrors(k);
            return this;
        }

        /**
         * Fail a run that takes longer than this.
         *
         * @param d a positive duration, or null for no timeout (the default)
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is zero or negative
         */
        public Builder timeout(Duration d) {
            parallel.timeout(d);
            return this;
        }

        /**
         * The executor examples run on (see {@link Parallel.Builder#executor}), e.g.
         * {@link dev.dspy4j.lm.CallExecutors#newPerTaskExecutor} for virtual threads on Java 21+; the caller
         * shuts it down. Default: a pool of the run's own.
         *
         * @param e the executor, or null for the default
         * @return this builder
         */
        public Builder executor(java.util.concurrent.Executor e) {
            parallel.executor(e);
            return this;
        }

        /**
         * Receives progress reports (done, total, failures, rate), e.g. for a progress bar.
         *
         * @param l the listener, or null for none
         * @return this builder
         */
        public Builder listener(Parallel.ProgressListener l) {
            parallel.listener(l);
            return this;
        }

        /** {@return the evaluator} */
        public Evaluate build() {
            return new Evaluate(this);
        }
    }
}
