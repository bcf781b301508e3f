package dev.dspy4j.cache;

import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheListener;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link CacheListener} that counts failures by {@link CacheFailure.Operation} and keeps the
 * first one, e.g. for a run's summary ("3 responses could not be cached: ..."). Thread-safe.
 */
public final class CacheFailureCounter implements CacheListener {
    private final Map<CacheFailure.Operation, AtomicLong> counts = new EnumMap<>(CacheFailure.Operation.class);
    private final AtomicReference<CacheFailure> first = new AtomicReference<>();

    /** A counter with every count at zero. */
    public CacheFailureCounter() {
        for (CacheFailure.Operation op : CacheFailure.Operation.values()) counts.put(op, new AtomicLong());
    }

    @Override
    public void failed(CacheFailure failure) {
        counts.get(failure.operation()).incrementAndGet();
        first.compareAndSet(null, failure);
    }

    /**
     * How many failures of one kind were seen.
     *
     * @param operation the kind
     * @return the count so far
     */
    public long count(CacheFailure.Operation operation) {
        return counts.get(operation).get();
    }

    /** {@return how many lookups failed and were taken as misses} */
    public long reads() {
        return count(CacheFailure.Operation.READ);
    }

    /** {@return how many responses could not be stored} */
    public long writes() {
        return count(CacheFailure.Operation.WRITE);
    }

    /** {@return how many stored entries did not decode} */
    public long damagedEntries() {
        return count(CacheFailure.Operation.DECODE);
    }

    /** {@return how many failures of any kind were seen} */
    public long total() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** {@return the first failure seen, or null if none was} */
    public CacheFailure first() {
        return first.get();
    }

    @Override
    public String toString() {
        return "CacheFailureCounter" + counts;
    }
}
