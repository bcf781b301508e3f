package dev.dspy4j.module;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.lm.Call;
import dev.dspy4j.lm.CallContext;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The basic module: one signature, its demos, an adapter and an LM. Immutable; configure with the
 * {@code with...} methods.
 *
 * <pre>{@code
 * Predict qa = Predict.of("question -> answer: int").withLm(lm);
 * int answer = qa.call(Map.of("question", "2+2?")).get("answer", Integer.class);
 * }</pre>
 */
public final class Predict implements Module {

    private final Signature signature;
    private final List<Example> demos;
    private final Map<String, Object> params;
    private final LanguageModel lm;
    private final Adapter adapter;
    private final int n;
    private final String rolloutId;
    private final boolean cache;

    private Predict(
            Signature signature,
            List<Example> demos,
            Map<String, Object> params,
            LanguageModel lm,
            Adapter adapter,
            int n,
            String rolloutId,
            boolean cache) {
        this.signature = Objects.requireNonNull(signature, "signature");
        this.demos = List.copyOf(demos);
        this.params = java.util.Collections.unmodifiableMap(new TreeMap<>(params));
        this.lm = lm;
        this.adapter = Objects.requireNonNull(adapter, "adapter");
        if (n < 1) throw new IllegalArgumentException("n must be at least 1");
        this.n = n;
        this.rolloutId = rolloutId;
        this.cache = cache;
    }

    /**
     * A predictor for {@code signature} with the chat adapter, no demos, no parameters, {@code n} 1,
     * the cache on and no LM yet.
     *
     * @param signature the task
     * @return the predictor
     */
    public static Predict of(Signature signature) {
        return new Predict(signature, List.of(), Map.of(), null, ChatAdapter.create(), 1, null, true);
    }

    /**
     * A predictor for a signature string, e.g. {@code "question -> answer: int"}.
     *
     * @param signature the signature in DSPy's string form
     * @return the predictor, as {@link #of(Signature)} makes it
     * @throws IllegalArgumentException if the string is not a signature
     */
    public static Predict of(String signature) {
        return of(Signature.parse(signature));
    }

    /**
     * A predictor for a record signature (see {@link Signature#of(Class)}).
     *
     * @param signature the record class describing the fields
     * @return the predictor, as {@link #of(Signature)} makes it
     * @throws IllegalArgumentException if the record is not a valid signature
     */
    public static Predict of(Class<? extends Record> signature) {
        return of(Signature.of(signature));
    }

    /** {@return the task: the input and output fields and instructions} */
    public Signature signature() {
        return signature;
    }

    /** {@return the few-shot examples put in the prompt before the inputs, unmodifiable} */
    public List<Example> demos() {
        return demos;
    }

    /**
     * {@return per-predictor LM parameters ({@code temperature}, {@code max_tokens}, ...), sorted by name}
     * They go into every request as given, under the provider's names.
     */
    public Map<String, Object> params() {
        return params;
    }

    /** {@return the LM, or null if none is set} */
    public LanguageModel lm() {
        return lm;
    }

    /** {@return the adapter that formats prompts and parses answers} */
    public Adapter adapter() {
        return adapter;
    }

    /** {@return how many completions each call asks for; at least 1} */
    public int n() {
        return n;
    }

    /**
     * {@return the rollout id, or null} Part of the cache key, as in DSPy: the same prompt in another
     * rollout is asked anew.
     */
    public String rolloutId() {
        return rolloutId;
    }

    /** {@return whether this predictor's calls read and write the LM's response cache} */
    public boolean cacheEnabled() {
        return cache;
    }

    /**
     * This predictor for another signature (demos are kept as they are).
     *
     * @param s the new signature; not null
     * @return a new predictor
     */
    public Predict withSignature(Signature s) {
        return new Predict(s, demos, params, lm, adapter, n, rolloutId, cache);
    }

    /**
     * This predictor with its signature's instructions replaced.
     *
     * @param instructions the new instructions
     * @return a new predictor
     */
    public Predict withInstructions(String instructions) {
        return withSignature(signature.withInstructions(instructions));
    }

    /**
     * This predictor with these demos instead of its own.
     *
     * @param newDemos the demos; copied, no {@code null} element
     * @return a new predictor
     */
    public Predict withDemos(List<Example> newDemos) {
        return new Predict(signature, newDemos, params, lm, adapter, n, rolloutId, cache);
    }

    /**
     * This predictor calling {@code newLm}.
     *
     * @param newLm the LM; null unsets it
     * @return a new predictor
     */
    @Override
    public Predict withLm(LanguageModel newLm) {
        return new Predict(signature, demos, params, newLm, adapter, n, rolloutId, cache);
    }

    /**
     * This predictor formatting and parsing with another adapter.
     *
     * @param newAdapter e.g. {@link dev.dspy4j.adapter.JsonAdapter}; not null
     * @return a new predictor
     */
    public Predict withAdapter(Adapter newAdapter) {
        return new Predict(signature, demos, params, lm, newAdapter, n, rolloutId, cache);
    }

    /**
     * This predictor with these parameters replacing all earlier ones.
     *
     * @param newParams the LM parameters by name; copied
     * @return a new predictor
     */
    public Predict withParams(Map<String, ?> newParams) {
        return new Predict(signature, demos, new TreeMap<>(newParams), lm, adapter, n, rolloutId, cache);
    }

    /**
     * This predictor with one more (or a replaced) parameter.
     *
     * @param name the parameter, as the provider names it (e.g. {@code temperature})
     * @param value its value: a JSON-like value
     * @return a new predictor
     */
    public Predict withParam(String name, Object value) {
        Map<String, Object> p = new TreeMap<>(params);
        p.put(name, value);
        return withParams(p);
    }

    /**
     * This predictor asking for {@code count} completions per call ({@link Prediction#completions()}).
     *
     * @param count at least 1
     * @return a new predictor
     * @throws IllegalArgumentException if {@code count} is less than 1
     */
    public Predict withN(int count) {
        return new Predict(signature, demos, params, lm, adapter, count, rolloutId, cache);
    }

    /**
     * This predictor with a rollout id, so the cache keeps its answers apart from other rollouts.
     *
     * @param id the rollout id, or null for none
     * @return a new predictor
     */
    public Predict withRolloutId(String id) {
        return new Predict(signature, demos, params, lm, adapter, n, id, cache);
    }

    /**
     * This predictor with the cache on or off for its calls.
     *
     * @param enabled false to always ask the LM (and not store the answer)
     * @return a new predictor
     */
    public Predict withCache(boolean enabled) {
        return new Predict(signature, demos, params, lm, adapter, n, rolloutId, enabled);
    }

    /**
     * The prompt this predictor would send for {@code inputs}, without calling the LM.
     *
     * @param inputs the input values by field name
     * @return the prompt
     * @throws IllegalArgumentException if a required input is missing
     */
    public Prompt format(Map<String, ?> inputs) {
        return adapter.format(signature, demos, checkedInputs(inputs));
    }

    @Override
    public Prediction call(Map<String, ?> inputs) {
        if (lm == null) {
            throw new IllegalStateException("predictor for " + signature + " has no LM; call withLm(...) first");
        }
        Map<String, Object> in = checkedInputs(inputs);
        return CallContext.observe(
                Call.Kind.MODULE,
                this,
                (cb, call) -> cb.onModuleStart(call, in),
                () -> run(in),
                (cb, call, p, e) -> cb.onModuleEnd(call, p, e));
    }

    private Prediction run(Map<String, Object> in) {
        LmRequest template = new LmRequest(new Prompt(List.of()), new TreeMap<>(params), n, rolloutId, cache);
        Adapter.Result result =
                Streaming.around(this, signature, adapter, () -> adapter.call(lm, signature, demos, in, template));
        Prediction prediction = Prediction.of(
                result.outputs(), result.response().usage(), result.response().cacheHit());
        Trace.record(this, in, prediction);
        return prediction;
    }

    private Map<String, Object> checkedInputs(Map<String, ?> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        Map<String, Object> in = new LinkedHashMap<>();
        for (Field f : signature.inputs()) {
            Object v = inputs.get(f.name());
            if (v == null && !f.optional()) {
                throw new IllegalArgumentException("missing input field '" + f.name() + "' for " + signature.name()
                        + " (" + signature.toSignatureString() + "); got " + inputs.keySet());
            }
            in.put(f.name(), v);
        }
        return in;
    }

    @Override
    public Map<String, Predict> predictors() {
        return Map.of("self", this);
    }

    @Override
    public Predict withPredictors(Map<String, Predict> replacements) {
        for (String k : replacements.keySet()) {
            if (!k.equals("self"))
                throw new IllegalArgumentException("Predict has one predictor, 'self', not '" + k + "'");
        }
        return replacements.getOrDefault("self", this);
    }

    @Override
    public String toString() {
        return "Predict(" + signature.toSignatureString() + ", " + demos.size() + " demos)";
    }
}
