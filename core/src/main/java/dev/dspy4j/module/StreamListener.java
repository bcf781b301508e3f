package dev.dspy4j.module;

/**
 * Receives a program's output fields as the LM writes them, as DSPy's stream listeners do; see
 * {@link Module#stream}. Called on the thread running the program; one piece at a time.
 */
@FunctionalInterface
public interface StreamListener {

    /**
     * Receives the next piece of an output field's text.
     *
     * @param chunk the piece, with the predictor and field it belongs to
     */
    void onChunk(StreamChunk chunk);

    /**
     * Receives the program's final, parsed prediction (after every chunk). Does nothing by default.
     *
     * @param prediction the prediction {@link Module#stream} also returns
     */
    default void onPrediction(Prediction prediction) {}

    /**
     * A piece of one output field's text.
     *
     * @param predictor the predictor's name in the program ({@code self}, {@code react.extract}, ...)
     * @param field     the output field
     * @param text      the next piece (empty only when {@code last})
     * @param last      true for the field's last piece
     */
    record StreamChunk(String predictor, String field, String text, boolean last) {}
}
