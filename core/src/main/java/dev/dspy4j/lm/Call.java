package dev.dspy4j.lm;

import java.util.Objects;

/**
 * One observed call, as {@link Callback}s see it: a module call, an adapter's format or parse, or an
 * LM call. Calls nest: a module call is the parent of the format, LM and parse calls it makes, also
 * across the worker threads of a {@code Parallel} run or an async call started inside it.
 *
 * @param id       unique in this process, e.g. {@code c42}
 * @param parentId the enclosing call's id, or null for a top-level call
 * @param kind     what was called
 * @param instance the module, adapter or LM that was called
 */
public record Call(String id, String parentId, Kind kind, Object instance) {

    /** What a call is. */
    public enum Kind {
        /** {@code Module.call} (a {@code Predict}, or a program that reports itself). */
        MODULE,
        /** {@code Adapter.format}: signature, demos and inputs to a prompt. */
        FORMAT,
        /** {@code Adapter.parse}: a completion to output values. */
        PARSE,
        /** {@code LanguageModel.complete}, cache hits included. */
        LM
    }

    /**
     * Checks the required components.
     *
     * @param id       unique in this process; not null
     * @param parentId the enclosing call's id, or null
     * @param kind     what was called; not null
     * @param instance the module, adapter or LM; not null
     * @throws NullPointerException if {@code id}, {@code kind} or {@code instance} is null
     */
    public Call {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(instance, "instance");
    }
}
