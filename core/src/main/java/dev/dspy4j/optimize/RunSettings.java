package dev.dspy4j.optimize;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings every optimizer shares: its budget, the threads used to score candidates, a progress
 * listener, the file its trial log is written to, and a stop signal. Set them through each optimizer's
 * builder ({@link OptimizerBuilder}).
 *
 * @param budget   the spending limit (never null; {@link Budget#unlimited()} for none)
 * @param threads  examples scored at once (at least 1)
 * @param listener progress after each trial, or null
 * @param trialLog the JSON trial log file, rewritten after each trial, or null for none
 * @param stop     the stop signal, or null
 */
public record RunSettings(
        Budget budget, int threads, OptimizerProgress.Listener listener, Path trialLog, StopSignal stop) {
    /**
     * Checks the settings.
     *
     * @param budget the spending limit; not null
     * @param threads at least 1
     * @param listener the listener, or null
     * @param trialLog the log file, or null
     * @param stop the stop signal, or null
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public RunSettings {
        Objects.requireNonNull(budget, "budget");
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }

    /** {@return an unlimited budget, one thread, no listener, no log and no stop signal} */
    public static RunSettings defaults() {
        return new RunSettings(Budget.unlimited(), 1, null, null, null);
    }
}
