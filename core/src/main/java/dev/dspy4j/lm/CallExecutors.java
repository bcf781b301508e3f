package dev.dspy4j.lm;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executors for async calls ({@code callAsync}, {@link LanguageModel#completeAsync}) and for the
 * threads of {@code Parallel}, {@code Evaluate} and the CLI {@code run}. LM calls spend their time
 * waiting on the network, so a thread per call is right; on Java 21 and later that thread is a virtual
 * thread. dspy4j is built for Java 17, so the virtual-thread executor is looked up by reflection
 * ({@code Executors.newVirtualThreadPerTaskExecutor}) and a pool of daemon platform threads stands in
 * where it does not exist.
 */
public final class CallExecutors {
    private static final Logger LOG = LoggerFactory.getLogger(CallExecutors.class);
    private static volatile ExecutorService shared;

    private CallExecutors() {}

    /** {@return true if this JVM has virtual threads (Java 21+)} */
    public static boolean virtualThreadsAvailable() {
        return virtualFactory() != null;
    }

    /**
     * A new executor that starts a virtual thread per task on Java 21+, else a new cached pool of daemon
     * platform threads named {@code name-N}. The caller shuts it down.
     *
     * @param name the thread-name prefix of the platform-thread fallback (virtual threads are unnamed)
     * @return the new executor
     */
    public static ExecutorService newPerTaskExecutor(String name) {
        Method m = virtualFactory();
        if (m != null) {
            try {
                return (ExecutorService) m.invoke(null);
            } catch (ReflectiveOperationException e) {
                LOG.debug("virtual threads are not usable here ({}); using platform threads", e.toString());
            }
        }
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * {@return the process-wide executor async calls use by default ({@link #newPerTaskExecutor}), made on
     * first use; never shut down}
     */
    public static Executor shared() {
        ExecutorService s = shared;
        if (s == null) {
            synchronized (CallExecutors.class) {
                s = shared;
                if (s == null) shared = s = newPerTaskExecutor("dspy4j-async");
            }
        }
        return s;
    }

    /**
     * Runs {@code body} on {@code executor} with the caller's {@link CallContext}, as a future whose
     * {@code cancel(true)} interrupts the call while it runs: an HTTP exchange in flight is abandoned and a
     * wait for the {@link RateLimit} ends, so a cancelled call stops using the connection and the limit.
     * ({@link CompletableFuture#supplyAsync} would only mark the future cancelled and let the call run on.)
     * The interrupt reaches only this call: it is cleared before the thread runs anything else, so a pooled
     * thread's next task never sees it. The future fails with the exception {@code body} threw.
     *
     * @param <T>      the body's result type
     * @param body     the call; not null
     * @param executor runs it; not null
     * @return the future result
     */
    public static <T> CompletableFuture<T> supplyAsync(java.util.function.Supplier<T> body, Executor executor) {
        java.util.Objects.requireNonNull(body, "body");
        java.util.Objects.requireNonNull(executor, "executor");
        CallContext.Snapshot context = CallContext.capture();
        Interruptible<T> future = new Interruptible<>();
        executor.execute(() -> {
            if (!future.begin()) return; // cancelled before it started
            try {
                future.complete(context.call(body));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            } finally {
                future.finish();
            }
        });
        return future;
    }

    /** A future that interrupts the thread running its task when cancelled with {@code mayInterruptIfRunning}. */
    private static final class Interruptible<T> extends CompletableFuture<T> {
        private Thread runner;
        private boolean over;

        synchronized boolean begin() {
            if (isDone()) return false;
            runner = Thread.currentThread();
            return true;
        }

        synchronized void finish() {
            runner = null;
            over = true;
            Thread.interrupted(); // an interrupt meant for this call must not reach the thread's next task
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled && mayInterruptIfRunning) {
                synchronized (this) {
                    if (runner != null && !over) runner.interrupt();
                }
            }
            return cancelled;
        }
    }

    private static Method virtualFactory() {
        try {
            return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
