/**
 * Evaluating programs: {@link dev.dspy4j.evaluate.Evaluate} runs a program over a dev set on several
 * threads and scores each prediction with a {@link dev.dspy4j.evaluate.Metric}; common answer metrics
 * (normalized exact match, token F1, answer in passage) are in {@link dev.dspy4j.evaluate.Metrics}.
 */
package dev.dspy4j.evaluate;
