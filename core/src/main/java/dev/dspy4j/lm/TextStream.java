package dev.dspy4j.lm;

/**
 * Receives the text of an LM answer as it arrives: a streamed answer piece by piece, a cached one
 * at once. Set for a call with {@link CallContext#streamingTo}; modules install one that splits the
 * text into output fields ({@code Module.stream}). Only the first completion is streamed.
 */
@FunctionalInterface
public interface TextStream {
    /**
     * Receives the next piece of the answer's text.
     *
     * @param delta the piece, never empty; the pieces joined are the first completion's text
     */
    void onText(String delta);

    /**
     * The answer is complete (also after a cached answer was replayed); called once per LM call.
     *
     * @param response the whole response, all completions included
     */
    default void onComplete(LmResponse response) {}
}
