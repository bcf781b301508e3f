/**
 * OpenTelemetry tracing: {@link dev.dspy4j.otel.GenAiTracing} is a {@link dev.dspy4j.lm.Callback} that
 * emits a span for every module call, adapter format and parse, and LM call, nested as the calls are
 * (across {@code Parallel} workers too), with the LM spans following OpenTelemetry's GenAI semantic
 * conventions ({@code gen_ai.*} attributes). Spans record the shape of a prompt and each media part's
 * kind, type, size and digest, never prompt text, completions or payload bytes. Register it for the
 * process with {@code GenAiTracing.install} or for one scope with {@link dev.dspy4j.lm.CallContext}.
 */
package dev.dspy4j.otel;
