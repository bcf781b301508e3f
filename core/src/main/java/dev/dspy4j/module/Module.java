package dev.dspy4j.module;

import dev.dspy4j.lm.CallContext;
import dev.dspy4j.lm.CallExecutors;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.signature.Example;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * An LM program: takes input values, returns a {@link Prediction}. A module exposes its predictors
 * by name so optimizers and save/load can walk it, and can rebuild itself with replaced predictors.
 * Modules are immutable: every {@code with...} returns a new module.
 */
public interface Module {

    /**
     * Runs the program on these inputs, on this thread.
     *
     * @param inputs the input values by field name; extra keys are ignored by {@link Predict}
     * @return the outputs
     * @throws IllegalArgumentException if a required input is missing
     * @throws IllegalStateException if a predictor has no LM
     * @throws dev.dspy4j.lm.LmException if an LM call fails (after the LM's own retries)
     * @throws dev.dspy4j.adapter.AdapterParseException if an answer cannot be parsed into the outputs
     */
    Prediction call(Map<String, ?> inputs);

    /**
     * Runs the program on the example's inputs; its labels are not passed.
     *
     * @param example the example
     * @return the outputs, as {@link #call(Map)} returns them (and with its exceptions)
     */
    default Prediction call(Example example) {
        return call(example.inputs());
    }

    /**
     * {@link #call} on {@link CallExecutors#shared()} (a virtual thread per call on Java 21+). The
     * caller's {@link CallContext} (callbacks, usage scopes) goes with the call; a {@link Trace} capture
     * does not (the call runs after the caller may have moved on).
     *
     * @param inputs the input values by field name; copied before this returns
     * @return the future outputs
     */
    default CompletableFuture<Prediction> callAsync(Map<String, ?> inputs) {
        return callAsync(inputs, CallExecutors.shared());
    }

    /**
     * {@link #call} on {@code executor}. The future fails with what {@code call} threw; {@code join}
     * wraps it in a {@link java.util.concurrent.CompletionException}. The inputs map is copied first.
     * {@code cancel(true)} interrupts the call where it waits (network, rate limit): see
     * {@link CallExecutors#supplyAsync}.
     *
     * @param inputs the input values by field name
     * @param executor runs the call
     * @return the future outputs
     */
    default CompletableFuture<Prediction> callAsync(Map<String, ?> inputs, Executor executor) {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(executor, "executor");
        Map<String, Object> copy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        return CallExecutors.supplyAsync(() -> call(copy), executor);
    }

    /**
     * Runs the program on this thread, passing each output field's text to {@code listener} as the LM
     * writes it (providers that stream: OpenAI-compatible, Anthropic) or at once (cached answers, other
     * providers), then the final prediction, which is also returned. Fields are split at the
     * {@link dev.dspy4j.adapter.ChatAdapter} markers; with adapters that cannot be split while streaming,
     * only the prediction arrives. Predictors running on other threads ({@code Parallel}) do not stream.
     *
     * @param inputs the input values by field name
     * @param listener receives the pieces, then the prediction, on this thread
     * @return the outputs, as {@link #call(Map)} returns them (and with its exceptions)
     */
    default Prediction stream(Map<String, ?> inputs, StreamListener listener) {
        return Streaming.run(this, inputs, listener);
    }

    /**
     * The predictors, by a name that is stable across copies (e.g. {@code self}, {@code predict},
     * {@code react.extract}), in a stable order.
     *
     * <p>The default finds them by reflection, as DSPy's {@code named_predictors()} does: in a record's
     * components, or a class's fields, that hold a module or a {@code List} of modules, named by path
     * ({@code draft.predict} for a component {@code draft} that is a ChainOfThought, {@code answer.self}
     * for a component {@code answer} that is a Predict, {@code steps[0].self} for a list element). A
     * predictor held in several places (a shared instance) is listed once, under the first path, and
     * {@link #withPredictors} replaces it everywhere it is held. Fields of other types ({@code Optional},
     * {@code Map}, a type variable erased to {@code Object} in a class) are not walked.
     *
     * @return the predictors by name, in a stable order
     */
    default Map<String, Predict> predictors() {
        return Submodules.predictors(this);
    }

    /**
     * This module with the named predictors replaced; names not given keep their predictor.
     *
     * <p>The default rebuilds a record through its canonical constructor, or copies a
     * {@link CompositeModule} and sets its fields; other classes must implement this method.
     *
     * @param replacements predictors by the names {@link #predictors()} gives
     * @return a new module; this one is unchanged
     * @throws IllegalArgumentException for an unknown name, or a class the default cannot rebuild
     */
    default Module withPredictors(Map<String, Predict> replacements) {
        return Submodules.withPredictors(this, replacements);
    }

    /**
     * This module with {@code fn} applied to every predictor (once each, a shared one included).
     *
     * @param fn maps a predictor to its replacement
     * @return a new module, as {@link #withPredictors} builds it
     */
    default Module mapPredictors(UnaryOperator<Predict> fn) {
        Map<String, Predict> m = new LinkedHashMap<>();
        predictors().forEach((k, v) -> m.put(k, fn.apply(v)));
        return withPredictors(m);
    }

    /**
     * This module with every predictor using {@code lm}.
     *
     * @param lm the language model for every predictor
     * @return a new module
     */
    default Module withLm(LanguageModel lm) {
        return mapPredictors(p -> p.withLm(lm));
    }
}
