package dev.dspy4j.lm;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the LM calls of a {@link UsageScope} added up to.
 *
 * @param calls          LM calls that returned (cache hits included)
 * @param cacheHits      calls served from dspy4j's response cache (they cost nothing)
 * @param errors         LM calls that threw (not input refused before sending, nor interrupted calls)
 * @param usage          tokens the provider reported, summed ({@link Usage#cachedPromptTokens()} is the
 *                       provider's prompt cache, not dspy4j's)
 * @param cost           USD, summed over the calls whose model has a price
 * @param unpricedModels models called that the price table does not know (their calls are not in {@code cost})
 * @param byModel        the same figures per model (the name the LM was built with)
 * @param pricesAsOf     the date of the price table used
 */
public record UsageSummary(
        long calls,
        long cacheHits,
        long errors,
        Usage usage,
        double cost,
        Set<String> unpricedModels,
        Map<String, UsageSummary> byModel,
        String pricesAsOf) {
    /**
     * Copies the set and the map.
     *
     * @param calls          LM calls that returned
     * @param cacheHits      calls served from dspy4j's response cache
     * @param errors         LM calls that threw
     * @param usage          tokens the provider reported, summed
     * @param cost           USD over the priced calls
     * @param unpricedModels models without a price (copied)
     * @param byModel        the figures per model (copied)
     * @param pricesAsOf     the price table's date
     */
    public UsageSummary {
        unpricedModels = Set.copyOf(unpricedModels);
        byModel = Map.copyOf(byModel);
    }

    /**
     * One line, e.g. {@code 120 LM calls (20 cache hits, 0 errors), tokens: 51200 in (1024 cached),
     * 3400 out (0 reasoning), cost $0.0097 (prices of 2025-06-01)}. Prompt tokens written to the
     * provider's prompt cache (Anthropic) show beside the cached ones when there are any:
     * {@code 51200 in (30000 cached, 6000 cache writes)}.
     */
    @Override
    public String toString() {
        String money = String.format(Locale.ROOT, "$%.4f", cost);
        String unpriced = unpricedModels.isEmpty()
                ? ""
                : ", no price for " + String.join(", ", new java.util.TreeSet<>(unpricedModels));
        return calls + " LM calls (" + cacheHits + " cache hits, " + errors + " errors), tokens: "
                + usage.promptTokens()
                + " in (" + usage.cachedPromptTokens() + " cached"
                + (usage.cacheWriteTokens() == 0 ? "" : ", " + usage.cacheWriteTokens() + " cache writes") + "), "
                + usage.completionTokens() + " out ("
                + usage.reasoningTokens() + " reasoning), cost " + money
                + (pricesAsOf.isEmpty() ? "" : " (prices of " + pricesAsOf + ")") + unpriced;
    }
}
