/**
 * The language-model contract, after DSPy's {@code dspy.LM}: a {@link dev.dspy4j.lm.LanguageModel} takes
 * an {@link dev.dspy4j.lm.LmRequest} (a prompt, parameters, {@code n}) and returns an
 * {@link dev.dspy4j.lm.LmResponse} of {@link dev.dspy4j.lm.Completion}s with {@link dev.dspy4j.lm.Usage}.
 * Clients extend {@link dev.dspy4j.lm.AbstractLanguageModel}, which adds the response cache (the
 * {@link dev.dspy4j.lm.ResponseCache} contract, keyed by {@link dev.dspy4j.lm.CacheKey}; the stores live
 * in {@code dev.dspy4j.cache}, above this package), call history and rate limits. Also here: the typed
 * {@link dev.dspy4j.lm.LmException}s, {@link dev.dspy4j.lm.RetryPolicy}, call observation
 * ({@link dev.dspy4j.lm.Callback}, {@link dev.dspy4j.lm.CallContext}, {@link dev.dspy4j.lm.UsageScope}),
 * and {@link dev.dspy4j.lm.ScriptedLm} for tests. The provider clients are in the subpackages.
 */
package dev.dspy4j.lm;
