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
     */
    Prompt format(Signature signature, List<Example> demos, Map<String, ?> inputs);

    /**
     * Parses one completion into output values converted to each field's Java type.
     *
     * @throws AdapterParseException if an output field is missing or cannot be parsed
     */
    Map<String, Object> parse(Signature signature, String completion);

    /**
     * A stream that splits this adapter's answers for {@code signature} into output fields as they arrive
     * (for {@code Module.stream}), or null if this adapter's answers cannot be split while streaming
     * (the default: the final prediction still arrives).
     */
    default dev.dspy4j.lm.TextStream fieldStream(Signature signature, FieldStream.Sink sink) {
        return null;
    }

    /** Extra request parameters this adapter needs for {@code lm} (e.g. a {@code response_format}). */
    default Map<String, Object> requestParams(Signature signature, LanguageModel lm) {
        return Map.of();
    }

    /**
     * Formats, calls the LM and parses every completion; the format and each parse are reported to the
     * {@link dev.dspy4j.lm.Callback}s.
     *
     * @param template carries parameters, {@code n}, rollout id and cache flag; its prompt is replaced
     * @throws RefusalException if the model refused
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
        public Result {
            outputs = List.copyOf(outputs);
        }
    }
}
