package dev.dspy4j.optimize;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The builder settings every optimizer shares (see {@link RunSettings}); each optimizer's builder
 * extends it.
 *
 * @param <B> the concrete builder
 */
@SuppressWarnings("unchecked")
public abstract class OptimizerBuilder<B extends OptimizerBuilder<B>> {
    private Budget budget = Budget.unlimited();
    private int threads = 1;
    private OptimizerProgress.Listener listener;
    private Path trialLog;
    private StopSignal stop;

    /** For subclasses: an unlimited budget, one thread, no listener, trial log or stop signal. */
    protected OptimizerBuilder() {}

    /**
     * The spending limit; replaces any limit or preset set before.
     *
     * @param b the budget (default {@link Budget#unlimited()}: the optimizer's own schedule)
     * @return this builder
     */
    public B budget(Budget b) {
        this.budget = Objects.requireNonNull(b, "budget");
        return (B) this;
    }

    /**
     * At most {@code n} metric calls (examples scored), keeping the rest of the budget.
     *
     * @param n the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public B maxMetricCalls(int n) {
        return budget(budget.withMaxMetricCalls(n));
    }

    /**
     * At most {@code n} trials (candidates scored), keeping the rest of the budget.
     *
     * @param n the limit, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public B maxTrials(int n) {
        return budget(budget.withMaxTrials(n));
    }

    /**
     * DSPy's {@code auto} preset, which the optimizer turns into its candidate count and set sizes
     * (MIPROv2, GEPA); keeps the limits.
     *
     * @param preset the preset
     * @return this builder
     */
    public B auto(Budget.Auto preset) {
        return budget(
                new Budget(budget.maxMetricCalls(), budget.maxTrials(), Objects.requireNonNull(preset, "preset")));
    }

    /**
     * Examples scored at once. Results do not depend on it.
     *
     * @param n at least 1 (default 1)
     * @return this builder
     */
    public B threads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, not " + n);
        this.threads = n;
        return (B) this;
    }

    /**
     * Receives progress after each trial, e.g. {@code p -> System.err.println(p.line())}.
     *
     * @param l the listener, or null for none
     * @return this builder
     */
    public B listener(OptimizerProgress.Listener l) {
        this.listener = l;
        return (B) this;
    }

    /**
     * Write the trial log as JSON to this file (rewritten after each trial; format in {@link OptimizerRun}).
     *
     * @param file the file, or null for no log (the default)
     * @return this builder
     */
    public B trialLog(Path file) {
        this.trialLog = file;
        return (B) this;
    }

    /**
     * A signal that stops the run early; the best program so far is returned.
     *
     * @param s the signal, or null for none
     * @return this builder
     */
    public B stopSignal(StopSignal s) {
        this.stop = s;
        return (B) this;
    }

    /** {@return the shared settings as set so far} */
    protected RunSettings runSettings() {
        return new RunSettings(budget, threads, listener, trialLog, stop);
    }
}
