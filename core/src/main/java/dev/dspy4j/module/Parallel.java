package dev.dspy4j.module;

import dev.dspy4j.lm.CallExecutors;
import dev.dspy4j.signature.Example;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
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

    /** The progress listener, or null. */
    ProgressListener listener() {
        return listener;
    }

    /** The executor items run on, or null for a pool of this run's own. */
    Executor executor() {
        return executor;
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
        return new ParallelRun<I, O>(this, List.copyOf(items), fn).execute();
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
