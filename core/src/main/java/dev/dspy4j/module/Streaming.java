package dev.dspy4j.module;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.lm.CallContext;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.signature.Signature;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** The stream listener of a {@link Module#stream} running on this thread, and how a Predict feeds it. */
final class Streaming {
    private static final ThreadLocal<Streaming> ACTIVE = new ThreadLocal<>();

    private final StreamListener listener;
    private final IdentityHashMap<Predict, String> names = new IdentityHashMap<>();

    private Streaming(Module program, StreamListener listener) {
        this.listener = listener;
        program.predictors().forEach((name, p) -> names.put(p, name));
    }

    static Prediction run(Module program, Map<String, ?> inputs, StreamListener listener) {
        Objects.requireNonNull(listener, "listener");
        Streaming outer = ACTIVE.get();
        ACTIVE.set(new Streaming(program, listener));
        Prediction p;
        try {
            p = program.call(inputs);
        } finally {
            if (outer == null) ACTIVE.remove();
            else ACTIVE.set(outer);
        }
        listener.onPrediction(p);
        return p;
    }

    /** Runs {@code body} (the predictor's LM call) with its answer split into fields for the active listener. */
    static <T> T around(Predict predict, Signature signature, Adapter adapter, Supplier<T> body) {
        Streaming s = ACTIVE.get();
        if (s == null) return body.get();
        String name = s.names.getOrDefault(predict, "self");
        TextStream fields = adapter.fieldStream(
                signature,
                (field, text, last) -> s.listener.onChunk(new StreamListener.StreamChunk(name, field, text, last)));
        if (fields == null) return body.get();
        try (CallContext.Scope scope = CallContext.streamingTo(fields)) {
            return body.get();
        }
    }
}
