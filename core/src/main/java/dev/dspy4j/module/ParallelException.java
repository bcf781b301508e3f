package dev.dspy4j.module;

/**
 * A {@link Parallel} run that stopped early: its error budget was used up, or the calling thread was
 * interrupted. {@link #partial()} holds every outcome recorded before the stop; the cause is the
 * first failure.
 */
public final class ParallelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Parallel.Result<?> partial;

    public ParallelException(String message, Parallel.Result<?> partial, Throwable cause) {
        super(message, cause);
        this.partial = partial;
    }

    /** The outcomes recorded before the run stopped, in input order. */
    public Parallel.Result<?> partial() {
        return partial;
    }
}
