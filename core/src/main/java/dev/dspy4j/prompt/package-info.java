/**
 * The provider-neutral prompt that an adapter builds and an LM sends: a {@link dev.dspy4j.prompt.Prompt}
 * is a list of {@link dev.dspy4j.prompt.Message}s, each a {@link dev.dspy4j.prompt.Role} and
 * {@link dev.dspy4j.prompt.Part}s (text, or a reference to a media value). A media part never copies or
 * encodes its payload, so formatting a prompt and keying it in the cache cost the same whatever the
 * images weigh. The prompt also marks its stable prefix (system message and demos) for providers'
 * prompt caches. In the data flow it sits between the adapter that writes it and the LM request
 * ({@link dev.dspy4j.lm.LmRequest}) that carries it.
 */
package dev.dspy4j.prompt;
