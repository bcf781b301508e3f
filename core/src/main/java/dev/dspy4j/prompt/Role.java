package dev.dspy4j.prompt;

/** Who speaks a message. */
public enum Role {
    SYSTEM,
    USER,
    ASSISTANT;

    /** The lower-case wire name: {@code system}, {@code user}, {@code assistant}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
