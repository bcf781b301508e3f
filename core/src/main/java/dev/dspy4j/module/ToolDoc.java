package dev.dspy4j.module;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Describes a tool method, one of its parameters, or a component of an argument record, for the LM. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface ToolDoc {
    /** {@return the description shown to the LM: one plain sentence or a few, no markup} */
    String value();
}
