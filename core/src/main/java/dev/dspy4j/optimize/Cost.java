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
    public static final Cost ZERO = new Cost(0, 0, 0, 0);

    /** The cost of these traced calls. */
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

    public Cost plus(Cost o) {
        return new Cost(
                lmCalls + o.lmCalls,
                cachedCalls + o.cachedCalls,
                promptTokens + o.promptTokens,
                completionTokens + o.completionTokens);
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
