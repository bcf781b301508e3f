/**
 * Optimizers choose a program's demos and instructions from training examples and return a new
 * program, leaving the student untouched: {@link dev.dspy4j.optimize.LabeledFewShot} samples labeled
 * examples; {@link dev.dspy4j.optimize.BootstrapFewShot} turns the program's own successful traced
 * runs into demos; {@link dev.dspy4j.optimize.BootstrapFewShotWithRandomSearch} scores several demo
 * sets and keeps the best; {@link dev.dspy4j.optimize.KNNFewShot} picks demos per input from the
 * nearest training examples by cosine similarity of embeddings; {@link dev.dspy4j.optimize.COPRO}
 * searches instructions by coordinate ascent; {@link dev.dspy4j.optimize.MIPROv2} searches
 * instructions and demo sets together with a Tree-structured Parzen Estimator;
 * {@link dev.dspy4j.optimize.GEPA} evolves instructions from metric feedback read by a reflection LM.
 *
 * <p>The searching optimizers share their book-keeping through {@link dev.dspy4j.optimize.OptimizerRun}:
 * a {@link dev.dspy4j.optimize.Budget} (metric calls, trials, or an {@code auto} preset), progress
 * ({@link dev.dspy4j.optimize.OptimizerProgress}), a {@link dev.dspy4j.optimize.StopSignal}, and a JSON
 * trial log; their builders extend {@link dev.dspy4j.optimize.OptimizerBuilder}. Each follows the
 * DSPy optimizer of the same name; where a class departs from it, its comment says so.
 */
package dev.dspy4j.optimize;
