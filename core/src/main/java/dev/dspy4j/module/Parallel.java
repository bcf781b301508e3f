package dev.dspy4j.module;

import dev.dspy4j.lm.CallContext;
import dev.dspy4j.lm.CallExecutors;
import dev.dspy4j.signature.Example;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
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

/**
 * Runs a function (typically a module) over many items on a fixed number of threads, with an error
 * budget, a per-item timeout and progress reporting. Results come back in input order. Immutable and
 * reusable; each {@link #run} uses its own threads.
 *
 * <p><b>Error budget.</b> With {@link Builder#maxErrors(int) maxErrors(K)}, the run stops starting
 * new items as soon as K items have failed, waits for the items already running, and throws a
 * {@link ParallelException} that holds everything finished so far ({@link ParallelException#partial()}).
 * Without a budget (the default) every item runs and failures are returned as failed outcomes.
 *
 * <p><b>Timeout.</b> With {@link Builder#timeout(Duration)}, an item still running after that long
 * fails with a {@link java.util.concurrent.TimeoutException}; its thread is interrupted and its
 * eventual result ignored. A timeout counts against the error budget.
 *
 * <p><b>Traces.</b> When a {@link Trace} capture is active on the thread calling {@link #run}, each
 * item's predictor calls are recorded on its worker thread and added to that capture when the run
 * ends (also when it stops on the error budget), item by item in input order, so the trace is the
 * same whatever the number of threads.
 *
 * <pre>{@code
 * Parallel.Result<Prediction> r = Parallel.builder().threads(8).maxErrors(5)
 *     .listener(p -> System.err.printf("%d/%d%n", p.done(), p.total()))
 *     .build().run(program, devset);
 * }</pre>
 */
public final class Parallel {

    /**
     * Progress of a run, reported after each item finishes (and once at the start).
     *
     * @param done     items finished (succeeded or failed)
     * @param total    items in the run
     * @param failures items failed so far (timeouts included)
     * @param rate     finished items per second since the start
     * @param elapsed  time since the start
     */
    public record Progress(int done, int total, int failures, double rate, Duration elapsed) {
        /** The estimated time left at the current rate, or null before the first item finishes. */
        public Duration eta() {
            if (done == 0 || rate <= 0) return null;
            return Duration.ofMillis((long) ((total - done) / rate * 1000));
        }
    }

    /**
     * Receives progress reports; called from worker threads, one report at a time. An exception
     * thrown by the listener is logged and otherwise ignored.
     */
    @FunctionalInterface
    public interface ProgressListener {
        void onProgress(Progress progress);
    }

    /**
     * What happened to one item.
     *
     * @param index the item's position in the input
     * @param value the result, or null if the item failed
     * @param error the failure, or null if the item succeeded
     */
    public record Outcome<O>(int index, O value, Throwable error) {
        /** True if the item succeeded. */
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * The outcomes of a run, in input order. After a stop on the error budget, items that never
     * started have no outcome ({@link #outcomes()} holds only items that ran; {@link #get(int)}
     * returns null for the others).
     *
     * @param total    the number of input items
     * @param outcomes the outcomes of the items that ran (sorted by ascending index)
     */
    public record Result<O>(int total, List<Outcome<O>> outcomes) {
        public Result {
            List<Outcome<O>> sorted = new ArrayList<>(outcomes);
            sorted.sort(java.util.Comparator.comparingInt(Outcome::index));
            outcomes = List.copyOf(sorted);
        }

        /** The outcome of item {@code index}, or null if it never ran. */
        public Outcome<O> get(int index) {
            int lo = 0;
            int hi = outcomes.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int at = outcomes.get(mid).index();
                if (at == index) return outcomes.get(mid);
                if (at < index) lo = mid + 1;
                else hi = mid - 1;
            }
            return null;
        }

        /** The values in input order; null for items that failed or never ran. */
        public List<O> values() {
            List<O> out = new ArrayList<>(Collections.nCopies(total, null));
            for (Outcome<O> o : outcomes) out.set(o.index(), o.value());
            return Collections.unmodifiableList(out);
        }

        /** The number of failed items. */
        public int failures() {
            return (int) outcomes.stream().filter(o -> !o.ok()).count();
        }

        /** True if every item ran and succeeded. */
        public boolean allOk() {
            return outcomes.size() == total && failures() == 0;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Parallel.class);

    private final int threads;
    private final int maxErrors;
    private final Duration timeout;
    private final ProgressListener listener;
    private final Executor executor;

    private Parallel(Builder b) {
        this.threads = b.threads;
        this.maxErrors = b.maxErrors;
        this.timeout = b.timeout;
        this.listener = b.listener;
        this.executor = b.executor;
    }

    /** A new builder: 1 thread, no error budget, no timeout, no listener. */
    public static Builder builder() {
        return new Builder();
    }

    /** Parallel with {@code threads} threads and the other defaults. */
    public static Parallel of(int threads) {
        return builder().threads(threads).build();
    }

    public int threads() {
        return threads;
    }

    /** The error budget, or {@link Integer#MAX_VALUE} for none. */
    public int maxErrors() {
        return maxErrors;
    }

    /** The per-item timeout, or null for none. */
    public Duration timeout() {
        return timeout;
    }

    /** Runs {@code module} on each example's inputs. */
    public Result<Prediction> run(Module module, List<Example> examples) {
        Objects.requireNonNull(module, "module");
        return run(examples, module::call);
    }

    /**
     * Runs {@code fn} on each item.
     *
     * @throws ParallelException when the error budget is used up (holding the outcomes so far)
     */
    public <I, O> Result<O> run(List<I> items, Function<? super I, ? extends O> fn) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(fn, "fn");
        return new Run<I, O>(List.copyOf(items), fn).execute();
    }

    private final class Run<I, O> {
        private final List<I> items;
        private final Function<? super I, ? extends O> fn;
        private final Object[] outcomes;
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final Semaphore permits = new Semaphore(threads);
        private final long start = System.nanoTime();
        private final Object reportLock = new Object();
        /** The caller's active trace, or null; each item's steps are collected apart and added at the end. */
        private final List<Trace.Step> callerTrace = Trace.active();
        private final List<List<Trace.Step>> itemSteps;
        /** The caller's callbacks and usage scopes, carried to each worker. */
        private final CallContext.Snapshot context = CallContext.capture();

        Run(List<I> items, Function<? super I, ? extends O> fn) {
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
            ScheduledExecutorService watchdog = timeout == null ? null
                    : Executors.newSingleThreadScheduledExecutor(daemon("dspy4j-parallel-timeout"));
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
                CompletableFuture.allOf(started.toArray(new CompletableFuture<?>[0])).join();
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
                throw new ParallelException("stopped after " + failures.get() + " failures (error budget "
                        + maxErrors + "); " + done.get() + " of " + items.size() + " items finished", result,
                        firstError(result));
            }
            return result;
        }

        private void runSlot(Slot slot, ScheduledExecutorService watchdog) {
            Thread me = Thread.currentThread();
            ScheduledFuture<?> alarm = null;
            if (watchdog != null) {
                alarm = watchdog.schedule(() -> {
                    if (finish(slot, new Outcome<>(slot.index, null, new java.util.concurrent.TimeoutException(
                            "item " + slot.index + " did not finish within " + timeout)))) {
                        synchronized (slot) {
                            if (slot.running) me.interrupt();
                        }
                    }
                }, timeout.toNanos(), TimeUnit.NANOSECONDS);
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

    /** Builds a {@link Parallel}. */
    public static final class Builder {
        private int threads = 1;
        private int maxErrors = Integer.MAX_VALUE;
        private Duration timeout;
        private ProgressListener listener;
        private Executor executor;

        private Builder() {}

        /**
         * The executor items run on, e.g. {@link CallExecutors#newPerTaskExecutor} for a virtual thread per
         * item on Java 21+; {@code threads} still caps how many run at once. The caller owns it (a run
         * does not shut it down). Null (the default): each run uses its own pool of daemon threads.
         */
        public Builder executor(Executor e) {
            this.executor = e;
            return this;
        }

        /** Number of items run at once (at least 1). */
        public Builder threads(int n) {
            if (n < 1) throw new IllegalArgumentException("threads must be at least 1, not " + n);
            this.threads = n;
            return this;
        }

        /** Stop after this many failed items (at least 1); see the class comment. */
        public Builder maxErrors(int k) {
            if (k < 1) throw new IllegalArgumentException("maxErrors must be at least 1, not " + k);
            this.maxErrors = k;
            return this;
        }

        /** Fail an item that runs longer than this (positive), or null for no timeout. */
        public Builder timeout(Duration d) {
            if (d != null && (d.isZero() || d.isNegative())) {
                throw new IllegalArgumentException("timeout must be positive, not " + d);
            }
            this.timeout = d;
            return this;
        }

        /** Receives a report at the start and after each finished item, or null for none. */
        public Builder listener(ProgressListener l) {
            this.listener = l;
            return this;
        }

        public Parallel build() {
            return new Parallel(this);
        }
    }
}
