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

    protected OptimizerBuilder() {}

    /** The spending limit (default unlimited: the optimizer's own schedule). */
    public B budget(Budget b) {
        this.budget = Objects.requireNonNull(b, "budget");
        return (B) this;
    }

    /** At most {@code n} metric calls (examples scored). */
    public B maxMetricCalls(int n) {
        return budget(budget.withMaxMetricCalls(n));
    }

    /** At most {@code n} trials (candidates scored). */
    public B maxTrials(int n) {
        return budget(budget.withMaxTrials(n));
    }

    /** DSPy's {@code auto} preset, which the optimizer turns into its candidate count and set sizes. */
    public B auto(Budget.Auto preset) {
        return budget(
                new Budget(budget.maxMetricCalls(), budget.maxTrials(), Objects.requireNonNull(preset, "preset")));
    }

    /** Examples scored at once (default 1). Results do not depend on it. */
    public B threads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, not " + n);
        this.threads = n;
        return (B) this;
    }

    /** Progress after each trial, e.g. {@code p -> System.err.println(p.line())}. */
    public B listener(OptimizerProgress.Listener l) {
        this.listener = l;
        return (B) this;
    }

    /** Write the trial log as JSON to this file (rewritten after each trial). */
    public B trialLog(Path file) {
        this.trialLog = file;
        return (B) this;
    }

    /** A signal that stops the run early; the best program so far is returned. */
    public B stopSignal(StopSignal s) {
        this.stop = s;
        return (B) this;
    }

    /** The shared settings as set so far. */
    protected RunSettings runSettings() {
        return new RunSettings(budget, threads, listener, trialLog, stop);
    }
}
