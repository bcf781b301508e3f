package dev.dspy4j.lm;

import dev.dspy4j.prompt.Prompt;
import java.util.Map;

/**
 * Told when module calls, adapter format/parse and LM calls start and end, as DSPy's
 * {@code BaseCallback}. Every method has an empty default; implement the ones you need.
 *
 * <p>Register one for the whole process with {@link CallContext#addGlobal}, or for the calls made on
 * this thread (and the {@code Parallel} workers and async calls it starts) with
 * {@link CallContext#with}. Methods run on the thread making the call, possibly on many threads at
 * once: implementations must be thread-safe. An exception thrown by a callback is logged and
 * ignored; it never fails the call.
 *
 * <p>An {@code ...End} method gets either a result or the error the call threw (then the result is
 * null). Payloads (images, audio, files) reach a callback only as references in the prompt; never
 * copy their bytes here.
 */
public interface Callback {

    /** A module is called with {@code inputs}. */
    default void onModuleStart(Call call, Map<String, ?> inputs) {}

    /** A module call returned {@code prediction} (a {@code dev.dspy4j.module.Prediction}) or threw {@code error}. */
    default void onModuleEnd(Call call, Object prediction, Throwable error) {}

    /** An adapter formats {@code inputs} into a prompt. */
    default void onFormatStart(Call call, Map<String, ?> inputs) {}

    /** An adapter built {@code prompt}, or threw {@code error}. */
    default void onFormatEnd(Call call, Prompt prompt, Throwable error) {}

    /** An adapter parses {@code completion}. */
    default void onParseStart(Call call, String completion) {}

    /** An adapter parsed {@code outputs} (by field name), or threw {@code error}. */
    default void onParseEnd(Call call, Map<String, Object> outputs, Throwable error) {}

    /** An LM ({@code call.instance()}) is called with {@code request} (defaults applied). */
    default void onLmStart(Call call, LmRequest request) {}

    /** An LM call returned {@code response} (possibly a cache hit) or threw {@code error}. */
    default void onLmEnd(Call call, LmResponse response, Throwable error) {}
}
