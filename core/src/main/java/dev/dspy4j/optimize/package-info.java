/**
 * Optimizers choose a program's demos from training examples and return a new program, leaving the
 * student untouched: {@link dev.dspy4j.optimize.LabeledFewShot} samples labeled examples;
 * {@link dev.dspy4j.optimize.BootstrapFewShot} turns the program's own successful traced runs into demos.
 */
package dev.dspy4j.optimize;
