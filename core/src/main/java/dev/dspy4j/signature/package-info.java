/**
 * Signatures, the start of the data flow (signature -> prompt -> adapter -> lm): a
 * {@link dev.dspy4j.signature.Signature} names a predictor's typed input and output fields and its
 * instructions, as DSPy's signatures do. It is parsed from DSPy's string form
 * ({@code "question, passages: list[str] -> answer"}) or read from a record whose components carry
 * {@link dev.dspy4j.signature.Input} and {@link dev.dspy4j.signature.Output}; field types are
 * {@link dev.dspy4j.signature.FieldType}s. Training and evaluation rows are
 * {@link dev.dspy4j.signature.Example}s (named {@link dev.dspy4j.signature.Values}, some marked as inputs).
 */
package dev.dspy4j.signature;
