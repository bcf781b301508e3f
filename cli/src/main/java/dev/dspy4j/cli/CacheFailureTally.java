package dev.dspy4j.cli;

import dev.dspy4j.cache.CacheFailureCounter;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheListener;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cache failures one command absorbs (its cache store's listener): counted by kind, and the rows of
 * {@code dspy4j run} whose lookups failed, each row once. A row's call looks its request up more than once
 * (before and after claiming it against identical calls in flight), and a program may call its LM several
 * times per row, so counting lookups said "80 cache reads failed" for a 40-row run during a Redis outage.
 * Rows are told apart per thread ({@link #startRow()}); the store tells its failures on the calling thread.
 * Thread-safe.
 */
final class CacheFailureTally implements CacheListener {
    private static final int OUTSIDE = 0;
    private static final int IN_ROW = 1;
    private static final int ROW_FAILED = 2;

    private final CacheFailureCounter counts = new CacheFailureCounter();
    private final ThreadLocal<int[]> row = ThreadLocal.withInitial(() -> new int[] {OUTSIDE});
    private final AtomicLong rowsWithFailedReads = new AtomicLong();

    @Override
    public void failed(CacheFailure failure) {
        counts.failed(failure);
        CacheFailure.Operation op = failure.operation();
        if (op == CacheFailure.Operation.READ || op == CacheFailure.Operation.DECODE) {
            int[] state = row.get();
            if (state[0] == IN_ROW) {
                state[0] = ROW_FAILED;
                rowsWithFailedReads.incrementAndGet();
            }
        }
    }

    /** Starts a row on this thread; its first failed lookup (or damaged entry) counts it. */
    void startRow() {
        row.get()[0] = IN_ROW;
    }

    /** {@return the rows some lookup of which failed or found a damaged entry, each taken as a miss} */
    long rowsWithFailedReads() {
        return rowsWithFailedReads.get();
    }

    /** {@return the answers that could not be stored, one per LM call} */
    long writes() {
        return counts.writes();
    }
}
