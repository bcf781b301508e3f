package dev.dspy4j.spark;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs the rows of one partition on {@code threads} threads and hands the results back in input
 * order. At most {@code 2 * threads} rows are read ahead, so a partition is never held in memory;
 * the input iterator is read only on the task's own thread (Spark's iterators are not thread-safe).
 * {@link #close()} lets running rows finish (their answers reach the cache) and stops the threads.
 */
final class OrderedRows<I, O> implements Iterator<O>, AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final Iterator<I> source;
    private final Function<I, O> work;
    private final ExecutorService pool;
    private final int window;
    private final ArrayDeque<Future<O>> pending = new ArrayDeque<>();

    OrderedRows(Iterator<I> source, int threads, Function<I, O> work) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        this.source = source;
        this.work = work;
        this.window = 2 * threads;
        int id = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dspy4j-spark-" + id + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public boolean hasNext() {
        fill();
        if (pending.isEmpty()) {
            close();
            return false;
        }
        return true;
    }

    @Override
    public O next() {
        if (!hasNext()) throw new NoSuchElementException();
        Future<O> f = pending.poll();
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while a row ran", e);
        } catch (ExecutionException e) {
            close();
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        }
    }

    /** Waits until every row read so far has finished (for the test hook that fails a task). */
    void awaitRunning() {
        for (Future<O> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException ignored) {
                // reported when the row is taken
            }
        }
    }

    private void fill() {
        while (pending.size() < window && source.hasNext()) {
            I in = source.next();
            pending.add(pool.submit(() -> work.apply(in)));
        }
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
