package dev.dspy4j.module;

/**
 * A {@link Parallel} run that stopped early: its error budget was used up, or the calling thread was
 * interrupted. {@link #partial()} holds every outcome recorded before the stop; the cause is the
 * first failure.
 */
public final class ParallelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Parallel.Result<?> partial;

    ParallelException(String message, Parallel.Result<?> partial, Throwable cause) {
        super(message, cause);
        this.partial = partial;
    }

    /**
     * The outcomes recorded before the run stopped, in input order: items that did not run are
     * absent ({@link Parallel.Result#get(int)} is {@code null} for them).
     *
     * @return the partial result; {@code null} after deserialization (it is not serialized)
     */
    public Parallel.Result<?> partial() {
        return partial;
    }
}
