package dev.dspy4j.adapter;

import dev.dspy4j.lm.Call;
import dev.dspy4j.lm.CallContext;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a signature, demos and inputs into a {@link Prompt}, and a completion back into typed
 * output values. Media values become media parts where the field's value goes; they are never
 * rendered into text. Implementations are immutable and thread-safe.
 */
public interface Adapter {

    /**
     * Builds the prompt.
     *
     * @param signature the task
     * @param demos     few-shot examples (complete or partial)
     * @param inputs    the current input values, by field name
     * @return the messages (for the built-in adapters, as DSPy orders them: the system message with
     *     the fields and instructions, each usable demo as a user and an assistant turn, any
     *     {@code History} input's turns, then the inputs as the last user turn)
     * @throws IllegalArgumentException if an input value does not fit its field
     */
    Prompt format(Signature signature, List<Example> demos, Map<String, ?> inputs);

    /**
     * Parses one completion into output values converted to each field's Java type.
     *
     * @param signature the task whose output fields are read
     * @param completion the completion's text
     * @return the output values by field name, in signature order
     * @throws AdapterParseException if an output field is missing or cannot be parsed
     */
    Map<String, Object> parse(Signature signature, String completion);

    /**
     * A stream that splits this adapter's answers for {@code signature} into output fields as they arrive
     * (for {@code Module.stream}), or null if this adapter's answers cannot be split while streaming
     * (the default: the final prediction still arrives).
     *
     * @param signature the task whose output fields are split out
     * @param sink receives each output field's text
     * @return a stream fed the answer's text pieces, or null
     */
    default dev.dspy4j.lm.TextStream fieldStream(Signature signature, FieldStream.Sink sink) {
        return null;
    }

    /**
     * Extra request parameters this adapter needs for {@code lm} (e.g. a {@code response_format}).
     * They are defaults: a predictor's own parameter of the same name wins.
     *
     * @param signature the task
     * @param lm the LM the request goes to (its capabilities decide)
     * @return the parameters by name; empty by default
     */
    default Map<String, Object> requestParams(Signature signature, LanguageModel lm) {
        return Map.of();
    }

    /**
     * Formats, calls the LM and parses every completion; the format and each parse are reported to the
     * {@link dev.dspy4j.lm.Callback}s.
     *
     * @param lm the LM to call
     * @param signature the task
     * @param demos few-shot examples
     * @param inputs the current input values, by field name
     * @param template carries parameters, {@code n}, rollout id and cache flag; its prompt is replaced
     * @return every completion's outputs, with the response
     * @throws RefusalException if the model refused
     * @throws AdapterParseException if a completion cannot be parsed
     * @throws dev.dspy4j.lm.LmException if the LM call fails
     */
    default Result call(
            LanguageModel lm, Signature signature, List<Example> demos, Map<String, ?> inputs, LmRequest template) {
        Prompt prompt = CallContext.observe(
                Call.Kind.FORMAT,
                this,
                (cb, call) -> cb.onFormatStart(call, inputs),
                () -> format(signature, demos, inputs),
                (cb, call, p, e) -> cb.onFormatEnd(call, p, e));
        LmRequest request = template.withPrompt(prompt).withDefaults(requestParams(signature, lm));
        LmResponse response = lm.complete(request);
        List<Map<String, Object>> outputs = new ArrayList<>();
        for (Completion c : response.completions()) {
            RefusalException.check(signature, c);
            outputs.add(CallContext.observe(
                    Call.Kind.PARSE,
                    this,
                    (cb, call) -> cb.onParseStart(call, c.text()),
                    () -> parse(signature, c.text()),
                    (cb, call, o, e) -> cb.onParseEnd(call, o, e)));
        }
        return new Result(outputs, response);
    }

    /**
     * The parsed outputs of every completion, and the response they came from.
     *
     * @param outputs  one map of output values per completion
     * @param response the LM response
     */
    record Result(List<Map<String, Object>> outputs, LmResponse response) {
        /**
         * Copies the outputs list.
         *
         * @param outputs one map of output values per completion; copied, no {@code null} element
         * @param response the LM response
         */
        public Result {
            outputs = List.copyOf(outputs);
        }
    }
}
