package dev.dspy4j.optimize;

/**
 * Thrown inside an optimizer's loop by {@link OptimizerRun} when the run must end early (stop signal,
 * interrupt, budget used up); the optimizer catches it and returns the best program so far. It never
 * leaves {@code compile}.
 */
public final class OptimizationStopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the run ended (serialized form). */
    private final String reason;

    /**
     * Creates the signal; it carries no stack trace (it is control flow, not an error).
     *
     * @param reason {@code stopped}, {@code interrupted} or {@code budget}; the run's status in the trial log
     */
    public OptimizationStopped(String reason) {
        super("optimization stopped: " + reason, null, false, false);
        this.reason = reason;
    }

    /** {@return why the run ended: {@code stopped}, {@code interrupted} or {@code budget}} */
    public String reason() {
        return reason;
    }
}
