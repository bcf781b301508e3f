package dev.dspy4j.lm;

import java.util.Objects;

/**
 * A native function call requested by the LM.
 *
 * @param id            the provider's call id (may be empty)
 * @param name          the tool name
 * @param argumentsJson the arguments as a JSON object string
 */
public record ToolCall(String id, String name, String argumentsJson) {
    /**
     * A null {@code id} becomes {@code ""}, null arguments {@code "{}"}.
     *
     * @param id            the provider's call id; null is {@code ""}
     * @param name          the tool name; not null
     * @param argumentsJson the arguments as a JSON object string; null is {@code "{}"}
     *
     * @throws NullPointerException if {@code name} is null
     */
    public ToolCall {
        id = id == null ? "" : id;
        Objects.requireNonNull(name, "name");
        argumentsJson = argumentsJson == null ? "{}" : argumentsJson;
    }
}
