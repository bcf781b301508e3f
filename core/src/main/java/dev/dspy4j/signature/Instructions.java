package dev.dspy4j.signature;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The task description of a record signature. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Instructions {
    /** {@return what the LM is asked to do, shown as the signature's instructions} */
    String value();
}
