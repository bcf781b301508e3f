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

    /**
     * A module is called.
     *
     * @param call   the module call ({@link Call#instance()} is the module)
     * @param inputs the inputs by field name
     */
    default void onModuleStart(Call call, Map<String, ?> inputs) {}

    /**
     * A module call returned or threw.
     *
     * @param call       the module call
     * @param prediction the {@code dev.dspy4j.module.Prediction} it returned, or null if it threw
     * @param error      what it threw, or null
     */
    default void onModuleEnd(Call call, Object prediction, Throwable error) {}

    /**
     * An adapter starts formatting inputs into a prompt.
     *
     * @param call   the format call ({@link Call#instance()} is the adapter)
     * @param inputs the inputs by field name
     */
    default void onFormatStart(Call call, Map<String, ?> inputs) {}

    /**
     * An adapter built a prompt, or threw.
     *
     * @param call   the format call
     * @param prompt the prompt, or null if it threw
     * @param error  what it threw, or null
     */
    default void onFormatEnd(Call call, Prompt prompt, Throwable error) {}

    /**
     * An adapter starts parsing a completion.
     *
     * @param call       the parse call ({@link Call#instance()} is the adapter)
     * @param completion the completion's text
     */
    default void onParseStart(Call call, String completion) {}

    /**
     * An adapter parsed a completion, or threw.
     *
     * @param call    the parse call
     * @param outputs the typed outputs by field name, or null if it threw
     * @param error   what it threw (often a parse error naming the field), or null
     */
    default void onParseEnd(Call call, Map<String, Object> outputs, Throwable error) {}

    /**
     * An LM is called ({@link Call#instance()} is the LM).
     *
     * @param call    the LM call
     * @param request the request with the LM's defaults applied
     */
    default void onLmStart(Call call, LmRequest request) {}

    /**
     * An LM call returned or threw.
     *
     * @param call     the LM call
     * @param response the response (possibly a cache hit: see {@link LmResponse#cacheHit()}), or null if it threw
     * @param error    what it threw (an {@link LmException} for provider failures), or null
     */
    default void onLmEnd(Call call, LmResponse response, Throwable error) {}
}
