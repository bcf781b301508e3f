package dev.dspy4j.state;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The saved state of one predictor. Parts a file does not record are null and leave the target
 * predictor's own value in place when applied (a DSPy file, for instance, has no signature string,
 * parameters or adapter).
 *
 * @param signature     the signature's string form ({@code image: Image -> label: str}), or null
 * @param signatureName the signature's name, or null
 * @param instructions  the instructions, or null
 * @param fields        field descriptions in signature order (inputs, then outputs)
 * @param demos         the demos; media values are {@link dev.dspy4j.media.Media}, other values JSON-like
 *                      until applied to a predictor, which converts them to its fields' Java types
 * @param params        per-predictor LM parameters, or null
 * @param n             completions per call, or null
 * @param rolloutId     the rollout id, or null
 * @param adapter       the adapter's class name ({@code ChatAdapter}, {@code JsonAdapter}, ...), or null
 * @param jsonFallback  for a {@code ChatAdapter}, whether it retries with {@code JsonAdapter} on a parse
 *                      failure; null for other adapters (and for a ChatAdapter, meaning the default: on)
 * @param lm            the LM settings (never a secret), or null
 */
public record PredictorState(
        String signature,
        String signatureName,
        String instructions,
        List<FieldState> fields,
        List<Example> demos,
        Map<String, Object> params,
        Integer n,
        String rolloutId,
        String adapter,
        Boolean jsonFallback,
        LmSettings lm) {

    /**
     * Copies the lists and parameters (parameters sorted by name).
     *
     * @param signature     the signature's string form, or null
     * @param signatureName the signature's name, or null
     * @param instructions  the instructions, or null
     * @param fields        field descriptions, or null for none
     * @param demos         the demos, or null for none
     * @param params        per-predictor LM parameters, or null
     * @param n             completions per call, at least 1, or null
     * @param rolloutId     the rollout id, or null
     * @param adapter       the adapter's class name, or null
     * @param jsonFallback  a {@code ChatAdapter}'s JSON fallback, or null
     * @param lm            the LM settings, or null
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public PredictorState {
        fields = List.copyOf(fields == null ? List.of() : fields);
        demos = List.copyOf(demos == null ? List.of() : demos);
        params = params == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(params));
        if (n != null && n < 1) throw new IllegalArgumentException("n must be at least 1, not " + n);
    }

    /**
     * One field of the saved signature.
     *
     * @param name        the field name, or null when the file lists fields by position only (DSPy)
     * @param description the description, or null to keep the target's
     */
    public record FieldState(String name, String description) {}

    /**
     * Captures one predictor's state.
     *
     * @param predict the predictor
     * @return everything but its LM client, which is recorded as {@link LmSettings} (null without an LM)
     */
    public static PredictorState of(Predict predict) {
        Objects.requireNonNull(predict, "predict");
        List<FieldState> fields = new ArrayList<>();
        for (Field f : predict.signature().fields()) {
            fields.add(new FieldState(f.name(), f.description()));
        }
        Adapter adapter = predict.adapter();
        return new PredictorState(
                predict.signature().toSignatureString(),
                predict.signature().name(),
                predict.signature().instructions(),
                fields,
                predict.demos(),
                predict.params(),
                predict.n(),
                predict.rolloutId(),
                adapter.getClass().getSimpleName(),
                adapter instanceof ChatAdapter chat ? Boolean.valueOf(chat.jsonFallback()) : null,
                predict.lm() == null ? null : LmSettings.of(predict.lm()));
    }
}
