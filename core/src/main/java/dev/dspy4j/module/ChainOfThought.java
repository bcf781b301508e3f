package dev.dspy4j.module;

import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import dev.dspy4j.signature.Signature;
import java.util.Map;

/**
 * A predictor that asks the LM to reason step by step first: the signature gets a
 * {@code reasoning} output before the others.
 */
public final class ChainOfThought implements Module {
    /** The description of the added {@code reasoning} field. */
    public static final String REASONING_DESC = "Think step by step, then give the remaining outputs.";

    private final Predict predict;

    private ChainOfThought(Predict predict) {
        this.predict = predict;
    }

    /**
     * Chain of thought over {@code signature}, with the chat adapter and no LM yet.
     *
     * @param signature the task; see {@link #withReasoning}
     * @return the module
     */
    public static ChainOfThought of(Signature signature) {
        return new ChainOfThought(Predict.of(withReasoning(signature)));
    }

    /**
     * Chain of thought over a signature string, e.g. {@code "question -> answer"}.
     *
     * @param signature the signature in DSPy's string form
     * @return the module
     * @throws IllegalArgumentException if the string is not a signature
     */
    public static ChainOfThought of(String signature) {
        return of(Signature.parse(signature));
    }

    /**
     * Chain of thought over a record signature (see {@link Signature#of(Class)}).
     *
     * @param signature the record class describing the fields
     * @return the module
     * @throws IllegalArgumentException if the record is not a valid signature
     */
    public static ChainOfThought of(Class<? extends Record> signature) {
        return of(Signature.of(signature));
    }

    /**
     * {@code signature} with a {@code reasoning} string output prepended (unless it has one), as
     * DSPy's {@code ChainOfThought} does.
     *
     * @param signature the task
     * @return the signature with {@code reasoning} as its first output
     */
    public static Signature withReasoning(Signature signature) {
        if (signature.output("reasoning").isPresent()) return signature;
        return signature.prependOutput(Field.of("reasoning", FieldType.Scalar.STR, REASONING_DESC));
    }

    /** {@return the inner predictor, whose signature has the {@code reasoning} output} */
    public Predict predict() {
        return predict;
    }

    @Override
    public Prediction call(Map<String, ?> inputs) {
        return predict.call(inputs);
    }

    @Override
    public Map<String, Predict> predictors() {
        return Map.of("predict", predict);
    }

    @Override
    public ChainOfThought withPredictors(Map<String, Predict> replacements) {
        for (String k : replacements.keySet()) {
            if (!k.equals("predict")) {
                throw new IllegalArgumentException("ChainOfThought has one predictor, 'predict', not '" + k + "'");
            }
        }
        return new ChainOfThought(replacements.getOrDefault("predict", predict));
    }

    @Override
    public String toString() {
        return "ChainOfThought(" + predict.signature().toSignatureString() + ")";
    }
}
