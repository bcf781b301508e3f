/**
 * Running a program over many rows through a provider's batch API ({@link dev.dspy4j.batch.BatchRun}):
 * the rows' requests are sent as one batch at the provider's batch price, and the answers fill the
 * response cache under the keys live calls use. Sits above {@code module} and {@code cache}.
 */
package dev.dspy4j.batch;
