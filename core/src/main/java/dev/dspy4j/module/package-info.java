/**
 * Modules, the programs built on signatures, adapters and LMs, after DSPy's modules: a
 * {@link dev.dspy4j.module.Module} takes input values and returns a {@link dev.dspy4j.module.Prediction}.
 * {@link dev.dspy4j.module.Predict} is the basic one (a signature, its demos, an adapter, an LM);
 * {@link dev.dspy4j.module.ChainOfThought}, {@link dev.dspy4j.module.ReAct} (with
 * {@link dev.dspy4j.module.Tool}s), {@link dev.dspy4j.module.BestOfN} and {@link dev.dspy4j.module.Refine}
 * build on it, and {@link dev.dspy4j.module.Parallel} runs one over many items. Programs expose their
 * predictors by name ({@link dev.dspy4j.module.CompositeModule} for classes) so that optimizers and
 * saved state can walk them, and {@link dev.dspy4j.module.Trace} records predictor runs for demos.
 * Above this package come batch runs, evaluation, optimizers and state.
 */
package dev.dspy4j.module;
