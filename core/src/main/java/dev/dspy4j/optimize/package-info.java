/**
 * Optimizers choose a program's demos and instructions from training examples and return a new
 * program, leaving the student untouched: {@link dev.dspy4j.optimize.LabeledFewShot} samples labeled
 * examples; {@link dev.dspy4j.optimize.BootstrapFewShot} turns the program's own successful traced runs
 * into demos; {@link dev.dspy4j.optimize.MIPROv2} searches instructions and demo sets together with a
 * {@link dev.dspy4j.optimize.TpeSampler}; {@link dev.dspy4j.optimize.GEPA} evolves instructions from
 * metric feedback read by a reflection LM. {@link dev.dspy4j.optimize.OptimizerRun} is their shared
 * budget, progress, stop and trial-log book-keeping.
 */
package dev.dspy4j.optimize;
