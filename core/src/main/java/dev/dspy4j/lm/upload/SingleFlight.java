package dev.dspy4j.lm.upload;

import dev.dspy4j.lm.LmException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/** One computation per key at a time among the threads of a process; the others wait for its result. */
final class SingleFlight<K, V> {
    private final ConcurrentHashMap<K, CompletableFuture<V>> running = new ConcurrentHashMap<>();

    /** Runs {@code work} unless another thread runs it for {@code key}, in which case its result is returned. */
    V run(K key, Supplier<V> work) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> theirs = running.putIfAbsent(key, mine);
        if (theirs == null) {
            try {
                V v = work.get();
                mine.complete(v);
                return v;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                running.remove(key, mine);
            }
        }
        try {
            return theirs.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LmException("interrupted while waiting for another thread's upload of " + key, 0, null, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new LmException(
                    "another thread's upload of " + key + " failed: " + e.getCause(), 0, null, e.getCause());
        }
    }
}
