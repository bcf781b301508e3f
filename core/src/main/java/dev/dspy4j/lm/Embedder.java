package dev.dspy4j.lm;

import java.util.List;

/**
 * Turns texts into vectors whose cosine similarity reflects closeness in meaning (an embedding
 * model). Implementations are thread-safe. {@link dev.dspy4j.lm.openai.OpenAiEmbeddings} calls an
 * OpenAI-compatible {@code /embeddings} endpoint through the response cache; tests and local models
 * can implement this directly.
 */
@FunctionalInterface
public interface Embedder {

    /**
     * One vector per text, in the order given, all of the same length. The arrays are the caller's.
     *
     * @param texts the texts to embed, none null or empty
     * @return one vector per text, in the same order
     *
     * @throws IllegalArgumentException for an empty or null text
     * @throws LmException              if the provider fails
     */
    List<float[]> embed(List<String> texts);

    /**
     * {@return the vector of one text}
     *
     * @param text the text, not null or empty
     * @throws IllegalArgumentException for an empty or null text
     * @throws LmException              if the provider fails
     */
    default float[] embed(String text) {
        return embed(List.of(text)).get(0);
    }
}
