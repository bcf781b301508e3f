package dev.dspy4j.spark;

import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.ResponseCache;
import java.io.Serializable;

/**
 * Makes the LM on each executor. It is serialized with the task settings and called once per
 * executor JVM per run (see {@link SparkRunner}), so a client's connection pool and rate limiter are
 * shared by all the tasks of that JVM. Use {@link ProviderLm} for the providers {@code dspy4j run}
 * knows, or a lambda for any other {@link LanguageModel}.
 */
@FunctionalInterface
public interface LmFactory extends Serializable {
    /**
     * A new LM that reads and writes {@code cache}.
     *
     * @param cache the executor's response cache, or null when the run has none
     * @return the LM the executor's tasks share
     */
    LanguageModel create(ResponseCache cache);
}
