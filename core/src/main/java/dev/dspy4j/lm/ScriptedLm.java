package dev.dspy4j.lm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * A test tool: answers with given completions in order and records every request it sees. Not a
 * provider; no network. Thread-safe.
 *
 * <pre>{@code
 * ScriptedLm lm = ScriptedLm.of("[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]");
 * }</pre>
 */
public final class ScriptedLm extends AbstractLanguageModel {

    private final Function<LmRequest, List<String>> script;
    private final boolean structuredOutputs;
    private final boolean nativeTools;
    private final List<LmRequest> requests = Collections.synchronizedList(new ArrayList<>());

    private ScriptedLm(Builder b) {
        super(b);
        this.script = b.script;
        this.structuredOutputs = b.structuredOutputs;
        this.nativeTools = b.nativeTools;
    }

    /**
     * {@return an LM (model {@code scripted}, no cache) that returns these answers, one per call, in order;
     * a call past the end throws {@link IllegalStateException}}
     *
     * @param answers the completion texts
     */
    public static ScriptedLm of(String... answers) {
        return builder().answers(answers).build();
    }

    /** {@return a builder for model {@code scripted}, without a cache, with no answers yet} */
    public static Builder builder() {
        return new Builder().model("scripted");
    }

    @Override
    protected LmResponse send(LmRequest request) {
        List<String> texts;
        synchronized (this) {
            requests.add(request);
            texts = script.apply(request);
        }
        List<Completion> cs = new ArrayList<>();
        for (int i = 0; i < request.n(); i++) {
            cs.add(Completion.of(texts.get(Math.min(i, texts.size() - 1))));
        }
        return new LmResponse(cs, new Usage(10, 5), model(), false);
    }

    /** {@return every request sent (cache hits excluded), oldest first, as a copy} */
    public List<LmRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /**
     * {@return the last request sent}
     *
     * @throws IllegalStateException if none was sent
     */
    public LmRequest lastRequest() {
        List<LmRequest> r = requests();
        if (r.isEmpty()) throw new IllegalStateException("no request was sent");
        return r.get(r.size() - 1);
    }

    @Override
    public boolean supportsStructuredOutputs() {
        return structuredOutputs;
    }

    @Override
    public boolean supportsNativeTools() {
        return nativeTools;
    }

    /** Builds a {@link ScriptedLm}. */
    public static final class Builder extends AbstractLanguageModel.Builder<Builder> {
        private Function<LmRequest, List<String>> script = r -> {
            throw new IllegalStateException("ScriptedLm has no answers");
        };
        private boolean structuredOutputs;
        private boolean nativeTools;

        private Builder() {
            historySize(100);
            cache(null); // a test LM does not cache unless given a cache
        }

        /**
         * Sets the answers returned one per call, in order (every completion of an {@code n > 1} call gets
         * the same answer); a call past the end throws {@link IllegalStateException}.
         *
         * @param answers the completion texts
         * @return this builder
         */
        public Builder answers(String... answers) {
            List<String> list = List.of(answers);
            int[] next = {0};
            this.script = r -> {
                if (next[0] >= list.size()) {
                    throw new IllegalStateException("ScriptedLm ran out of answers after " + list.size() + " calls");
                }
                return List.of(list.get(next[0]++));
            };
            return this;
        }

        /**
         * Sets a function computing the answers from each request.
         *
         * @param fn gives one text per completion; the last is repeated if it gives fewer than {@code n}
         * @return this builder
         */
        public Builder respond(Function<LmRequest, List<String>> fn) {
            this.script = fn;
            return this;
        }

        /**
         * Sets what {@link ScriptedLm#supportsStructuredOutputs()} answers (default false), so adapters send a
         * {@code response_format}.
         *
         * @param on the answer
         * @return this builder
         */
        public Builder structuredOutputs(boolean on) {
            this.structuredOutputs = on;
            return this;
        }

        /**
         * Sets what {@link ScriptedLm#supportsNativeTools()} answers (default false), so modules send {@code tools}.
         *
         * @param on the answer
         * @return this builder
         */
        public Builder nativeTools(boolean on) {
            this.nativeTools = on;
            return this;
        }

        /** {@return a new scripted LM} */
        public ScriptedLm build() {
            return new ScriptedLm(this);
        }
    }
}
