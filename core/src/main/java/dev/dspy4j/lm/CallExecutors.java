package dev.dspy4j.lm;

import java.lang.reflect.Method;
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

    /** True if this JVM has virtual threads (Java 21+). */
    public static boolean virtualThreadsAvailable() {
        return virtualFactory() != null;
    }

    /**
     * A new executor that starts a virtual thread per task on Java 21+, else a new cached pool of daemon
     * platform threads named {@code name-N}. The caller shuts it down.
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

    /** The process-wide executor async calls use by default ({@link #newPerTaskExecutor}); never shut down. */
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

    private static Method virtualFactory() {
        try {
            return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
