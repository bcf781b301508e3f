package dev.dspy4j.prompt;

/** Who speaks a message. */
public enum Role {
    /** Instructions to the model (DSPy's system message: the signature's fields and task). */
    SYSTEM,
    /** The caller: inputs, and the inputs of few-shot demos. */
    USER,
    /** The model: its answers, and the outputs of few-shot demos. */
    ASSISTANT;

    /** {@return the lower-case wire name: {@code system}, {@code user}, {@code assistant}} */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
