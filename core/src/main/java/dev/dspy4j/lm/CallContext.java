package dev.dspy4j.lm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a call carries beyond its arguments: the {@link Callback}s that observe it (global ones and
 * those scoped to this thread), the enclosing {@link Call}, and a {@link TextStream} to which an LM
 * sends its answer's text as it arrives. Held per thread; {@link #capture()} takes it to another
 * thread ({@code Parallel} workers and {@code callAsync} do so), so a scope opened around a program
 * also sees the calls the program makes on other threads.
 *
 * <pre>{@code
 * try (CallContext.Scope s = CallContext.with(myCallback)) {
 *     program.call(inputs);   // myCallback sees every module, format, LM and parse call
 * }
 * }</pre>
 */
public final class CallContext {
    private static final Logger LOG = LoggerFactory.getLogger(CallContext.class);
    private static final CopyOnWriteArrayList<Callback> GLOBAL = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(() -> State.EMPTY);
    private static final AtomicLong IDS = new AtomicLong();

    /** This thread's context: scoped callbacks (outermost first), the enclosing call, the text stream. */
    private record State(List<Callback> callbacks, Call current, TextStream stream) {
        static final State EMPTY = new State(List.of(), null, null);
    }

    private CallContext() {}

    /**
     * Adds a callback that sees every call in this process, on every thread, until {@link #removeGlobal}.
     *
     * @param callback the callback; not null
     */
    public static void addGlobal(Callback callback) {
        GLOBAL.add(Objects.requireNonNull(callback, "callback"));
    }

    /**
     * Removes a callback added with {@link #addGlobal}.
     *
     * @param callback the callback to remove (compared with {@code equals})
     * @return true if it was registered, false if it was not there
     */
    public static boolean removeGlobal(Callback callback) {
        return GLOBAL.remove(callback);
    }

    /**
     * Adds {@code callback} for the calls made on this thread until the scope is closed (and on the
     * threads this context is {@linkplain #capture() carried} to). Close it on the same thread.
     *
     * @param callback the callback; not null
     * @return the scope, whose {@code close} removes the callback again
     */
    public static Scope with(Callback callback) {
        Objects.requireNonNull(callback, "callback");
        State outer = STATE.get();
        List<Callback> cbs = new ArrayList<>(outer.callbacks);
        cbs.add(callback);
        STATE.set(new State(List.copyOf(cbs), outer.current, outer.stream));
        return new Scope(outer);
    }

    /**
     * Sends the text of LM answers made on this thread to {@code stream} until the scope is closed.
     *
     * @param stream the stream, or null to stop streaming inside the scope
     * @return the scope, whose {@code close} restores the previous stream
     */
    public static Scope streamingTo(TextStream stream) {
        State outer = STATE.get();
        STATE.set(new State(outer.callbacks, outer.current, stream));
        return new Scope(outer);
    }

    /** {@return the text stream active on this thread, or null} */
    public static TextStream stream() {
        return STATE.get().stream;
    }

    /** {@return the innermost observed call running on this thread, or null} */
    public static Call current() {
        return STATE.get().current;
    }

    /** {@return this thread's context, to carry to another thread with {@link Snapshot#call}} */
    public static Snapshot capture() {
        return new Snapshot(STATE.get());
    }

    /** Restores the context a {@link #with} or {@link #streamingTo} replaced. */
    public static final class Scope implements AutoCloseable {
        private final State outer;
        private boolean closed;

        private Scope(State outer) {
            this.outer = outer;
        }

        /** Restores the outer context; a second call does nothing. */
        @Override
        public void close() {
            if (closed) return;
            closed = true;
            STATE.set(outer);
        }
    }

    /** A context taken from one thread, to run work under on another. */
    public static final class Snapshot {
        private final State state;

        private Snapshot(State state) {
            this.state = state;
        }

        /**
         * Runs {@code body} on the current thread under this context, then restores the thread's own.
         *
         * @param <T>  the body's result type
         * @param body the work; what it throws propagates
         * @return what {@code body} returned
         */
        public <T> T call(Supplier<T> body) {
            State own = STATE.get();
            STATE.set(state);
            try {
                return body.get();
            } finally {
                STATE.set(own);
            }
        }

        /**
         * {@link #call} for a body without a result.
         *
         * @param body the work; what it throws propagates
         */
        public void run(Runnable body) {
            call(() -> {
                body.run();
                return null;
            });
        }
    }

    /**
     * How a callback is told that an observed call ended (for example {@code Callback::onLmEnd}).
     *
     * @param <T> the call's result type
     */
    @FunctionalInterface
    public interface End<T> {
        /**
         * Tells {@code callback} that {@code call} ended.
         *
         * @param callback the callback to tell
         * @param call     the call that ended
         * @param result   its result, or null if it threw
         * @param error    what it threw, or null if it returned
         */
        void tell(Callback callback, Call call, T result, Throwable error);
    }

    /**
     * Runs {@code body} as an observed call of {@code kind} on {@code instance}: tells the callbacks it
     * starts, makes it the enclosing call of the calls {@code body} makes, and tells them it ended.
     * With no callback registered, this is just {@code body.get()}. Used by dspy4j's modules, adapters
     * and LMs; a custom module may use it to report itself. A callback that throws is logged and
     * ignored.
     *
     * @param <T>      the body's result type
     * @param kind     what sort of call this is
     * @param instance the module, adapter or LM being called (becomes {@link Call#instance()})
     * @param start    tells one callback the call starts (for example {@code (cb, c) -> cb.onLmStart(c, request)})
     * @param body     the work itself; what it throws is told to {@code end} and rethrown
     * @param end      tells one callback the call ended
     * @return what {@code body} returned
     */
    public static <T> T observe(
            Call.Kind kind, Object instance, Consumer2<Callback, Call> start, Supplier<T> body, End<T> end) {
        State state = STATE.get();
        if (state.callbacks.isEmpty() && GLOBAL.isEmpty()) return body.get();
        Call call = new Call(
                "c" + IDS.incrementAndGet(), state.current == null ? null : state.current.id(), kind, instance);
        List<Callback> cbs = callbacks(state);
        for (Callback cb : cbs) safely(() -> start.accept(cb, call));
        STATE.set(new State(state.callbacks, call, state.stream));
        T result;
        try {
            result = body.get();
        } catch (RuntimeException | Error e) {
            STATE.set(state);
            for (Callback cb : cbs) safely(() -> end.tell(cb, call, null, e));
            throw e;
        }
        STATE.set(state);
        for (Callback cb : cbs) safely(() -> end.tell(cb, call, result, null));
        return result;
    }

    /**
     * A two-argument consumer (the callback and the call).
     *
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     */
    @FunctionalInterface
    public interface Consumer2<A, B> {
        /**
         * Consumes the two arguments.
         *
         * @param a the first argument
         * @param b the second argument
         */
        void accept(A a, B b);
    }

    private static List<Callback> callbacks(State state) {
        if (GLOBAL.isEmpty()) return state.callbacks;
        List<Callback> all = new ArrayList<>(GLOBAL);
        all.addAll(state.callbacks);
        return all;
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("a callback failed (ignored): {}", e.toString());
        }
    }
}
