package dev.dspy4j.optimize;

/**
 * Thrown inside an optimizer's loop by {@link OptimizerRun} when the run must end early (stop signal,
 * interrupt, budget used up); the optimizer catches it and returns the best program so far. It never
 * leaves {@code compile}.
 */
public final class OptimizationStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    public OptimizationStopped(String reason) {
        super("optimization stopped: " + reason, null, false, false);
        this.reason = reason;
    }

    /** {@code stopped}, {@code interrupted} or {@code budget}. */
    public String reason() {
        return reason;
    }
}
