package dev.dspy4j.evaluate;

import dev.dspy4j.module.Example;
import dev.dspy4j.module.Prediction;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * Scores a prediction against its example; higher is better. Most metrics return a value in
 * [0, 1]; a boolean metric ({@link #of(BiPredicate)}) returns 1 or 0.
 */
@FunctionalInterface
public interface Metric {

    /** The score of {@code prediction} for {@code example}. */
    double score(Example example, Prediction prediction);

    /** A metric from a pass/fail test: 1.0 when it passes, 0.0 otherwise. */
    static Metric of(BiPredicate<Example, Prediction> test) {
        Objects.requireNonNull(test, "test");
        return (e, p) -> test.test(e, p) ? 1.0 : 0.0;
    }
}
