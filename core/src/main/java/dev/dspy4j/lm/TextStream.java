package dev.dspy4j.lm;

/**
 * Receives the text of an LM answer as it arrives: a streamed answer piece by piece, a cached one
 * at once. Set for a call with {@link CallContext#streamingTo}; modules install one that splits the
 * text into output fields ({@code Module.stream}). Only the first completion is streamed.
 */
@FunctionalInterface
public interface TextStream {
    /** The next piece of the answer's text (never empty). */
    void onText(String delta);

    /** The answer is complete (also after a cached answer was replayed); called once per LM call. */
    default void onComplete(LmResponse response) {}
}
