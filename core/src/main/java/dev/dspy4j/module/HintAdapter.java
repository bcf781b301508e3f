package dev.dspy4j.module;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import dev.dspy4j.signature.Signature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wraps an adapter so that every call also carries a {@code hint} input: the signature gets an
 * extra input field and the inputs its value. Used by {@link Refine} to reach every predictor of a
 * module, however the module builds its predictors' inputs.
 */
final class HintAdapter implements Adapter {
    static final String FIELD = "hint";
    static final String NO_HINT = "N/A";
    static final String DESCRIPTION =
            "Advice from an earlier attempt at this task that fell short; use it to do better.";

    private final Adapter inner;
    private final String hint;

    HintAdapter(Adapter inner, String hint) {
        this.inner = inner;
        this.hint = hint;
    }

    static Signature withHint(Signature s) {
        if (s.input(FIELD).isPresent()) return s;
        return s.appendInput(Field.of(FIELD, FieldType.Scalar.STR, DESCRIPTION));
    }

    private Map<String, Object> withHint(Map<String, ?> inputs) {
        Map<String, Object> m = new LinkedHashMap<>(inputs);
        m.put(FIELD, hint);
        return m;
    }

    /** Demos get the hint {@code N/A}, so that a demo with all its own fields stays complete. */
    private static List<Example> demosWithHint(List<Example> demos) {
        return demos.stream()
                .map(d -> d.has(FIELD) ? d : d.with(FIELD, NO_HINT))
                .toList();
    }

    @Override
    public Prompt format(Signature signature, List<Example> demos, Map<String, ?> inputs) {
        return inner.format(withHint(signature), demosWithHint(demos), withHint(inputs));
    }

    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
        return inner.parse(signature, completion);
    }

    @Override
    public Map<String, Object> requestParams(Signature signature, LanguageModel lm) {
        return inner.requestParams(withHint(signature), lm);
    }

    /** The inner adapter's field stream: a hint is an input, the outputs are the same. */
    @Override
    public dev.dspy4j.lm.TextStream fieldStream(Signature signature, dev.dspy4j.adapter.FieldStream.Sink sink) {
        return inner.fieldStream(signature, sink);
    }

    @Override
    public Result call(
            LanguageModel lm, Signature signature, List<Example> demos, Map<String, ?> inputs, LmRequest template) {
        return inner.call(lm, withHint(signature), demosWithHint(demos), withHint(inputs), template);
    }
}
