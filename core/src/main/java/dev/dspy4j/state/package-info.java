/**
 * Saving a program's learned state (signatures, instructions, demos, LM settings) as JSON and
 * loading it back, including the predictor state files written by Python DSPy.
 *
 * <p>Entry point: {@link dev.dspy4j.state.ProgramState}.
 */
package dev.dspy4j.state;
