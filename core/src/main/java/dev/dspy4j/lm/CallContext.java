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

    /** Adds a callback that sees every call in this process, until {@link #removeGlobal}. */
    public static void addGlobal(Callback callback) {
        GLOBAL.add(Objects.requireNonNull(callback, "callback"));
    }

    /** Removes a callback added with {@link #addGlobal}; false if it was not there. */
    public static boolean removeGlobal(Callback callback) {
        return GLOBAL.remove(callback);
    }

    /**
     * Adds {@code callback} for the calls made on this thread until the scope is closed (and on the
     * threads this context is {@linkplain #capture() carried} to). Close it on the same thread.
     */
    public static Scope with(Callback callback) {
        Objects.requireNonNull(callback, "callback");
        State outer = STATE.get();
        List<Callback> cbs = new ArrayList<>(outer.callbacks);
        cbs.add(callback);
        STATE.set(new State(List.copyOf(cbs), outer.current, outer.stream));
        return new Scope(outer);
    }

    /** Sends the text of LM answers made on this thread to {@code stream} until the scope is closed. */
    public static Scope streamingTo(TextStream stream) {
        State outer = STATE.get();
        STATE.set(new State(outer.callbacks, outer.current, stream));
        return new Scope(outer);
    }

    /** The text stream active on this thread, or null. */
    public static TextStream stream() {
        return STATE.get().stream;
    }

    /** The innermost call running on this thread, or null. */
    public static Call current() {
        return STATE.get().current;
    }

    /** This thread's context, to carry to another thread with {@link Snapshot#call}. */
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

        /** Runs {@code body} on the current thread under this context, then restores the thread's own. */
        public <T> T call(Supplier<T> body) {
            State own = STATE.get();
            STATE.set(state);
            try {
                return body.get();
            } finally {
                STATE.set(own);
            }
        }

        /** {@link #call} for a body without a result. */
        public void run(Runnable body) {
            call(() -> {
                body.run();
                return null;
            });
        }
    }

    /** How a callback is told that an observed call ended. */
    @FunctionalInterface
    public interface End<T> {
        void tell(Callback callback, Call call, T result, Throwable error);
    }

    /**
     * Runs {@code body} as an observed call of {@code kind} on {@code instance}: tells the callbacks it
     * starts, makes it the enclosing call of the calls {@code body} makes, and tells them it ended.
     * With no callback registered, this is just {@code body.get()}. Used by dspy4j's modules, adapters
     * and LMs; a custom module may use it to report itself.
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

    /** A two-argument consumer (the callback and the call). */
    @FunctionalInterface
    public interface Consumer2<A, B> {
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
