package dev.dspy4j.optimize;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks a running optimizer to stop, from any thread (a UI button, a shutdown hook). The optimizer
 * checks it between steps, finishes nothing new, and returns the best program found so far.
 * Interrupting the optimizing thread has the same effect (the interrupt flag stays set).
 */
public final class StopSignal {
    private final AtomicBoolean stopped = new AtomicBoolean();

    /** Requests the stop; later calls do nothing. */
    public void stop() {
        stopped.set(true);
    }

    /** Creates a signal that has not been given. */
    public StopSignal() {}

    /** {@return true once {@link #stop()} has been called} */
    public boolean isStopped() {
        return stopped.get();
    }
}
