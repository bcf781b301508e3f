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
        /**
         * The estimated time left at the current rate: items left divided by {@link #rate()}.
         *
         * @return the estimate, in milliseconds' precision, or null before the first item finishes
         */
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
        /**
         * Receives one report.
         *
         * @param progress the counts so far
         */
        void onProgress(Progress progress);
    }

    /**
     * What happened to one item.
     *
     * @param index the item's position in the input
     * @param value the result, or null if the item failed
     * @param error the failure, or null if the item succeeded (a
     *              {@link java.util.concurrent.TimeoutException} for an item past its timeout)
     * @param <O> the type of the results
     */
    public record Outcome<O>(int index, O value, Throwable error) {
        /** {@return true if the item succeeded, i.e. {@code error} is null} */
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
     * @param <O> the type of the results
     */
    public record Result<O>(int total, List<Outcome<O>> outcomes) {
        /**
         * Sorts and copies the outcomes.
         *
         * @param total the number of input items
         * @param outcomes the outcomes of the items that ran, in any order; at most one per index
         */
        public Result {
            List<Outcome<O>> sorted = new ArrayList<>(outcomes);
            sorted.sort(java.util.Comparator.comparingInt(Outcome::index));
            outcomes = List.copyOf(sorted);
        }

        /**
         * The outcome of one item.
         *
         * @param index the item's position in the input
         * @return its outcome, or null if it never ran (or {@code index} is out of range)
         */
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

        /** {@return the values in input order, {@code total} of them, unmodifiable; null for items that failed or never ran} */
        public List<O> values() {
            List<O> out = new ArrayList<>(Collections.nCopies(total, null));
            for (Outcome<O> o : outcomes) out.set(o.index(), o.value());
            return Collections.unmodifiableList(out);
        }

        /** {@return the number of failed items (timeouts included)} */
        public int failures() {
            return (int) outcomes.stream().filter(o -> !o.ok()).count();
        }

        /** {@return true if every item ran and succeeded} */
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

    /** {@return a new builder: 1 thread, no error budget, no timeout, no listener, own pool} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parallel with {@code threads} threads and the other defaults.
     *
     * @param threads how many items run at once; at least 1
     * @return the runner
     * @throws IllegalArgumentException if {@code threads} is less than 1
     */
    public static Parallel of(int threads) {
        return builder().threads(threads).build();
    }

    /** {@return how many items run at once} */
    public int threads() {
        return threads;
    }

    /** {@return the error budget, or {@link Integer#MAX_VALUE} for none} */
    public int maxErrors() {
        return maxErrors;
    }

    /** {@return the per-item timeout, or null for none} */
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

    /**
     * Runs {@code module} on each example's inputs (its labels are not passed), as {@link #run(List, Function)}.
     *
     * @param module the program
     * @param examples the items
     * @return the predictions, by input position
     * @throws ParallelException when the error budget is used up or the calling thread is interrupted
     */
    public Result<Prediction> run(Module module, List<Example> examples) {
        Objects.requireNonNull(module, "module");
        return run(examples, module::call);
    }

    /**
     * Runs {@code fn} on each item; an exception it throws is that item's failed outcome.
     *
     * @param <I> the type of the items
     * @param <O> the type of the results
     * @param items the items; copied, so no {@code null} element
     * @param fn the function, called once per item on a worker thread
     * @return every item's outcome, by input position
     * @throws ParallelException when the error budget is used up or the calling thread is interrupted
     *     (holding the outcomes so far)
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
         *
         * @param e the executor, or null
         * @return this builder
         */
        public Builder executor(Executor e) {
            this.executor = e;
            return this;
        }

        /**
         * Sets how many items run at once.
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder threads(int n) {
            if (n < 1) throw new IllegalArgumentException("threads must be at least 1, not " + n);
            this.threads = n;
            return this;
        }

        /**
         * Stops the run after this many failed items; see the class comment.
         *
         * @param k at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code k} is less than 1
         */
        public Builder maxErrors(int k) {
            if (k < 1) throw new IllegalArgumentException("maxErrors must be at least 1, not " + k);
            this.maxErrors = k;
            return this;
        }

        /**
         * Fails an item that runs longer than this.
         *
         * @param d positive, or null for no timeout
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is zero or negative
         */
        public Builder timeout(Duration d) {
            if (d != null && (d.isZero() || d.isNegative())) {
                throw new IllegalArgumentException("timeout must be positive, not " + d);
            }
            this.timeout = d;
            return this;
        }

        /**
         * Sets who receives a report at the start and after each finished item.
         *
         * @param l the listener, or null for none
         * @return this builder
         */
        public Builder listener(ProgressListener l) {
            this.listener = l;
            return this;
        }

        /** {@return the runner, with this builder's settings} */
        public Parallel build() {
            return new Parallel(this);
        }
    }
}
