/**
 * Adapters, between a signature and the LM, as in DSPy: an {@link dev.dspy4j.adapter.Adapter} formats a
 * signature, its demos and the inputs into a {@link dev.dspy4j.prompt.Prompt}, and parses a completion
 * back into typed output values. {@link dev.dspy4j.adapter.ChatAdapter} (the default) uses DSPy's
 * {@code [[ ## field ## ]]} markers and falls back to {@link dev.dspy4j.adapter.JsonAdapter};
 * {@link dev.dspy4j.adapter.XmlAdapter} marks fields with tags. Media values become media parts in
 * place, never text. {@link dev.dspy4j.adapter.JsonSchemas} is the one JSON Schema generator (outputs
 * and tool arguments); {@link dev.dspy4j.adapter.FieldStream} splits a streamed answer into fields.
 * A completion that does not parse throws {@link dev.dspy4j.adapter.AdapterParseException}.
 */
package dev.dspy4j.adapter;
