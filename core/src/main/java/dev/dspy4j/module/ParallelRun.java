package dev.dspy4j.module;

import dev.dspy4j.lm.CallContext;
import dev.dspy4j.module.Parallel.Outcome;
import dev.dspy4j.module.Parallel.Progress;
import dev.dspy4j.module.Parallel.ProgressListener;
import dev.dspy4j.module.Parallel.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Parallel#run}: at most {@code threads} items at a time, each on a worker carrying the
 * caller's call context and collecting its trace steps apart (handed to the caller's trace in input
 * order at the end); per-item timeouts by a watchdog that interrupts the worker; progress reported in
 * order; the run stops once the error budget is used up.
 */
final class ParallelRun<I, O> {
    private static final Logger LOG = LoggerFactory.getLogger(Parallel.class);

    private final int maxErrors;
    private final Duration timeout;
    private final ProgressListener listener;
    private final Executor executor;
    private final List<I> items;
    private final Function<? super I, ? extends O> fn;
    private final Object[] outcomes;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Semaphore permits;
    private final long start = System.nanoTime();
    private final Object reportLock = new Object();
    /** The caller's active trace, or null; each item's steps are collected apart and added at the end. */
    private final List<Trace.Step> callerTrace = Trace.active();

    private final List<List<Trace.Step>> itemSteps;
    /** The caller's callbacks and usage scopes, carried to each worker. */
    private final CallContext.Snapshot context = CallContext.capture();

    ParallelRun(Parallel parallel, List<I> items, Function<? super I, ? extends O> fn) {
        this.maxErrors = parallel.maxErrors();
        this.timeout = parallel.timeout();
        this.listener = parallel.listener();
        this.executor = parallel.executor();
        this.permits = new Semaphore(parallel.threads());
        this.items = items;
        this.fn = fn;
        this.outcomes = new Object[items.size()];
        this.itemSteps = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            itemSteps.add(callerTrace == null ? null : Collections.synchronizedList(new ArrayList<>()));
        }
    }

    /** Adds every item's steps to the caller's trace in input order (on the caller's thread). */
    private void handOverTrace() {
        if (callerTrace == null) return;
        for (List<Trace.Step> steps : itemSteps) {
            synchronized (steps) {
                callerTrace.addAll(steps);
            }
        }
    }

    Result<O> execute() {
        synchronized (reportLock) {
            report(0);
        }
        ExecutorService own = executor == null ? Executors.newCachedThreadPool(daemon("dspy4j-parallel")) : null;
        Executor pool = own != null ? own : executor;
        ScheduledExecutorService watchdog =
                timeout == null ? null : Executors.newSingleThreadScheduledExecutor(daemon("dspy4j-parallel-timeout"));
        List<CompletableFuture<Void>> started = new ArrayList<>();
        try {
            for (int i = 0; i < items.size(); i++) {
                permits.acquire();
                if (stopped.get()) {
                    permits.release();
                    break;
                }
                Slot slot = new Slot(i);
                started.add(slot.finished);
                pool.execute(() -> runSlot(slot, watchdog));
            }
            CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0]))
                    .join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.set(true);
            if (own != null) own.shutdownNow();
            throw new ParallelException("interrupted while running " + items.size() + " items", result(), e);
        } finally {
            if (own != null) own.shutdown();
            if (watchdog != null) watchdog.shutdownNow();
            handOverTrace();
        }
        Result<O> result = result();
        if (stopped.get()) {
            throw new ParallelException(
                    "stopped after " + failures.get() + " failures (error budget " + maxErrors + "); " + done.get()
                            + " of " + items.size() + " items finished",
                    result,
                    firstError(result));
        }
        return result;
    }

    private void runSlot(Slot slot, ScheduledExecutorService watchdog) {
        Thread me = Thread.currentThread();
        ScheduledFuture<?> alarm = null;
        if (watchdog != null) {
            alarm = watchdog.schedule(
                    () -> {
                        if (finish(
                                slot,
                                new Outcome<>(
                                        slot.index,
                                        null,
                                        new java.util.concurrent.TimeoutException(
                                                "item " + slot.index + " did not finish within " + timeout)))) {
                            synchronized (slot) {
                                if (slot.running) me.interrupt();
                            }
                        }
                    },
                    timeout.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
        try {
            I item = items.get(slot.index);
            List<Trace.Step> sink = itemSteps.get(slot.index);
            O value = context.call(() -> sink == null ? fn.apply(item) : Trace.collectInto(sink, () -> fn.apply(item)));
            finish(slot, new Outcome<>(slot.index, value, null));
        } catch (Throwable t) {
            finish(slot, new Outcome<>(slot.index, null, t));
        } finally {
            synchronized (slot) {
                slot.running = false;
            }
            if (alarm != null) alarm.cancel(false);
            Thread.interrupted(); // a timeout interrupt must not leak into the next item
        }
    }

    /** Records the outcome once; returns true if this call recorded it. */
    private boolean finish(Slot slot, Outcome<O> outcome) {
        if (!slot.claimed.compareAndSet(false, true)) return false;
        synchronized (outcomes) {
            outcomes[slot.index] = outcome;
        }
        if (!outcome.ok() && failures.incrementAndGet() >= maxErrors) {
            stopped.set(true);
        }
        synchronized (reportLock) {
            // count and report together, so reports arrive with done = 1, 2, 3, ... in order
            report(done.incrementAndGet());
        }
        permits.release();
        slot.finished.complete(null);
        return true;
    }

    /** Called with reportLock held. */
    private void report(int d) {
        if (listener == null) return;
        long nanos = System.nanoTime() - start;
        double rate = nanos <= 0 ? 0 : d / (nanos / 1e9);
        try {
            listener.onProgress(new Progress(d, items.size(), failures.get(), rate, Duration.ofNanos(nanos)));
        } catch (RuntimeException e) {
            // a broken progress display must not stop or hang the run
            LOG.warn("progress listener failed: {}", e.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private Result<O> result() {
        List<Outcome<O>> list = new ArrayList<>();
        synchronized (outcomes) {
            for (Object o : outcomes) {
                if (o != null) list.add((Outcome<O>) o);
            }
        }
        return new Result<>(items.size(), list);
    }

    private static final class Slot {
        final int index;
        final AtomicBoolean claimed = new AtomicBoolean();
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        boolean running = true;

        Slot(int index) {
            this.index = index;
        }
    }

    private static Throwable firstError(Result<?> r) {
        for (Outcome<?> o : r.outcomes()) {
            if (!o.ok()) return o.error();
        }
        return null;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
