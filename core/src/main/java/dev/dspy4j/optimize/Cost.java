package dev.dspy4j.optimize;

import dev.dspy4j.module.Trace;
import java.util.List;

/**
 * What some work cost in LM calls and tokens, counted from traced predictor calls (a call served
 * from the cache counts as a call, and in {@code cachedCalls}, with no tokens).
 *
 * @param lmCalls          predictor calls
 * @param cachedCalls      of which served from the response cache
 * @param promptTokens     prompt tokens reported by the providers
 * @param completionTokens completion tokens reported by the providers
 */
public record Cost(long lmCalls, long cachedCalls, long promptTokens, long completionTokens) {
    /** No calls, no tokens. */
    public static final Cost ZERO = new Cost(0, 0, 0, 0);

    /**
     * The cost of traced predictor calls.
     *
     * @param steps the calls, e.g. {@link Trace.Traced#steps()}
     * @return one LM call per step; tokens as the providers reported them
     */
    public static Cost of(List<Trace.Step> steps) {
        long calls = 0;
        long cached = 0;
        long in = 0;
        long out = 0;
        for (Trace.Step s : steps) {
            calls++;
            if (s.outputs().cacheHit()) cached++;
            in += s.outputs().usage().promptTokens();
            out += s.outputs().usage().completionTokens();
        }
        return new Cost(calls, cached, in, out);
    }

    /**
     * Adds two costs, component by component.
     *
     * @param o the other cost
     * @return the sum
     */
    public Cost plus(Cost o) {
        return new Cost(
                lmCalls + o.lmCalls,
                cachedCalls + o.cachedCalls,
                promptTokens + o.promptTokens,
                completionTokens + o.completionTokens);
    }

    /** {@return prompt plus completion tokens} */
    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
