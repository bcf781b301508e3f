package dev.dspy4j.optimize;

import dev.dspy4j.module.Module;
import dev.dspy4j.signature.Example;
import java.util.List;

/**
 * Improves a program from training examples, typically by choosing its demos. An optimizer returns
 * a new program of the same shape (the same predictor names) and never changes the student.
 */
@FunctionalInterface
public interface Optimizer {

    /**
     * Returns an optimized copy of {@code student}.
     *
     * @param student  the program to optimize; left untouched
     * @param trainset examples with their input keys marked
     * @return a new program with the same predictor names, its demos and/or instructions chosen
     * @throws IllegalArgumentException if the training set or the program does not fit the optimizer
     *     (each names what is wrong)
     */
    Module compile(Module student, List<Example> trainset);
}
