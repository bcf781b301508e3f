/**
 * Provider batch APIs (OpenAI Batch, Anthropic Message Batches): one {@link dev.dspy4j.lm.batch.BatchClient}
 * per provider client, whose requests are written by the same codec as a live call, so a batch answer
 * can be stored under the same cache key. Running a program over rows through a batch is
 * {@code dev.dspy4j.batch.BatchRun}.
 */
package dev.dspy4j.lm.batch;
