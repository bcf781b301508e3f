package dev.dspy4j.module;

import java.util.Map;
import java.util.function.Function;

/** A test module computed by a function, without predictors. */
public final class FnModule implements Module {
    private final Function<Map<String, ?>, Prediction> fn;

    public FnModule(Function<Map<String, ?>, Prediction> fn) {
        this.fn = fn;
    }

    @Override
    public Prediction call(Map<String, ?> inputs) {
        return fn.apply(inputs);
    }

    @Override
    public Map<String, Predict> predictors() {
        return Map.of();
    }

    @Override
    public Module withPredictors(Map<String, Predict> replacements) {
        if (!replacements.isEmpty()) throw new IllegalArgumentException("no predictors");
        return this;
    }
}
