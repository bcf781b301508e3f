package dev.dspy4j.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.cli.Providers;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.RateLimit;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.state.LmSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An LM of one of the providers {@code dspy4j run} knows ({@code openai}, {@code anthropic},
 * {@code gemini}, {@code azure}), made on each executor as {@code run} makes it. Holds no secret: the
 * API key is read on the executor from the environment variable {@code apiKeyEnv} (or the provider's
 * default variable), so set it there too, e.g. {@code --conf spark.executorEnv.OPENAI_API_KEY=...}.
 *
 * <p>The rate limit ({@code rpm}, {@code tpm}) applies to one executor JVM: every task of a run in
 * that JVM shares one limiter, and N executors send up to N times the limit. Give each executor
 * {@code account limit / number of executors}.
 *
 * @param provider    the provider name
 * @param model       the model (Azure: the deployment)
 * @param baseUrl     the API base URL, or null for the provider's
 * @param apiKeyEnv   the variable holding the key, or null for the provider's default
 * @param paramsJson  default request parameters as a JSON object ({@code {"temperature":0}})
 * @param timeout     the time one request may take
 * @param maxAttempts attempts per request (1 = no retry)
 * @param rpm         requests a minute per executor JVM, or null for no limit
 * @param tpm         tokens a minute per executor JVM, or null for no limit
 * @serial exclude (Spark ships it with the task settings between JVMs of one dspy4j version; not a stored form)
 */
@SuppressWarnings("InvalidBlockTag") // @serial is javadoc's (serialized form); Error Prone does not expect it here
public record ProviderLm(
        String provider,
        String model,
        String baseUrl,
        String apiKeyEnv,
        String paramsJson,
        Duration timeout,
        int maxAttempts,
        Long rpm,
        Long tpm)
        implements LmFactory {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The providers {@link Providers#create} makes clients for. */
    private static final java.util.Set<String> PROVIDERS =
            java.util.Set.of("openai", "openai-responses", "anthropic", "gemini", "azure");

    /**
     * Checks every value on the driver, so a mistake fails before any task starts.
     *
     * @param provider    {@code openai}, {@code openai-responses}, {@code anthropic}, {@code gemini} or
     *     {@code azure} (any case); not null
     * @param model       the model; not null
     * @param baseUrl     the API base URL, or null for the provider's
     * @param apiKeyEnv   the variable holding the key, or null for the provider's default
     * @param paramsJson  a JSON object of request parameters; null means {@code {}}
     * @param timeout     the time one request may take; not null
     * @param maxAttempts at least 1
     * @param rpm         at least 1, or null
     * @param tpm         at least 1, or null
     * @throws IllegalArgumentException naming the value, for an unknown provider, parameters that are not
     *     a JSON object, or a count below 1
     */
    public ProviderLm {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timeout, "timeout");
        if (!PROVIDERS.contains(provider.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "unknown provider '" + provider + "'; expected openai, openai-responses, anthropic, gemini or "
                            + "azure (use openai with a base URL for any OpenAI-compatible server)");
        }
        if (paramsJson == null) paramsJson = "{}";
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
        if (rpm != null && rpm < 1) throw new IllegalArgumentException("rpm must be at least 1, not " + rpm);
        if (tpm != null && tpm < 1) throw new IllegalArgumentException("tpm must be at least 1, not " + tpm);
        params(paramsJson); // checked here, on the driver
    }

    /**
     * {@code PROVIDER/MODEL} ({@code openai/gpt-4o-mini}) with the defaults of {@code dspy4j run}: no
     * base URL, the provider's key variable, 120 s timeout, 3 attempts, no rate limit.
     *
     * @param lm {@code PROVIDER/MODEL}, as {@code dspy4j run --lm} takes it
     * @return the factory
     * @throws IllegalArgumentException if {@code lm} is not PROVIDER/MODEL or names an unknown provider
     */
    public static ProviderLm of(String lm) {
        int slash = lm == null ? -1 : lm.indexOf('/');
        if (slash <= 0 || slash == lm.length() - 1) {
            throw new IllegalArgumentException(
                    "the LM must be PROVIDER/MODEL, e.g. openai/gpt-4o-mini, not '" + lm + "'");
        }
        return new ProviderLm(
                lm.substring(0, slash),
                lm.substring(slash + 1),
                null,
                null,
                "{}",
                Duration.ofMinutes(2),
                3,
                null,
                null);
    }

    /**
     * The LM a program file records, with {@link #of(String)}'s other defaults.
     *
     * @param saved the LM settings of a program file ({@link ProgramBundle#savedLm()}); a missing
     *     provider means {@code openai}
     * @return the factory for its provider, model, base URL and parameters
     * @throws IllegalArgumentException for an unknown provider
     */
    public static ProviderLm of(LmSettings saved) {
        Objects.requireNonNull(saved, "saved");
        return new ProviderLm(
                saved.provider() == null ? "openai" : saved.provider(),
                saved.model(),
                saved.baseUrl(),
                null,
                json(saved.params()),
                Duration.ofMinutes(2),
                3,
                null,
                null);
    }

    /**
     * {@return a copy with another base URL}
     *
     * @param url the API base URL, or null for the provider's
     */
    public ProviderLm withBaseUrl(String url) {
        return new ProviderLm(provider, model, url, apiKeyEnv, paramsJson, timeout, maxAttempts, rpm, tpm);
    }

    /**
     * {@return a copy that reads the key from another variable on each executor}
     *
     * @param name the environment variable, or null for the provider's default
     */
    public ProviderLm withApiKeyEnv(String name) {
        return new ProviderLm(provider, model, baseUrl, name, paramsJson, timeout, maxAttempts, rpm, tpm);
    }

    /**
     * {@return a copy with other default request parameters}
     *
     * @param params parameters sent with every request ({@code temperature}, ...), or null for none
     * @throws IllegalArgumentException if they cannot be written as JSON
     */
    public ProviderLm withParams(Map<String, ?> params) {
        return new ProviderLm(provider, model, baseUrl, apiKeyEnv, json(params), timeout, maxAttempts, rpm, tpm);
    }

    /**
     * {@return a copy with another time limit per request}
     *
     * @param t the time one request may take; not null
     */
    public ProviderLm withTimeout(Duration t) {
        return new ProviderLm(provider, model, baseUrl, apiKeyEnv, paramsJson, t, maxAttempts, rpm, tpm);
    }

    /**
     * {@return a copy with another number of attempts per request}
     *
     * @param n attempts, at least 1 (1 = no retry)
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public ProviderLm withMaxAttempts(int n) {
        return new ProviderLm(provider, model, baseUrl, apiKeyEnv, paramsJson, timeout, n, rpm, tpm);
    }

    /**
     * {@return a copy with another rate limit, which each executor JVM applies on its own}
     *
     * @param requestsPerMinute requests a minute per executor JVM, at least 1, or null for no limit
     * @param tokensPerMinute   tokens a minute per executor JVM, at least 1, or null for no limit
     * @throws IllegalArgumentException for a value below 1
     */
    public ProviderLm withRateLimit(Long requestsPerMinute, Long tokensPerMinute) {
        return new ProviderLm(
                provider,
                model,
                baseUrl,
                apiKeyEnv,
                paramsJson,
                timeout,
                maxAttempts,
                requestsPerMinute,
                tokensPerMinute);
    }

    /**
     * Makes the client as {@code dspy4j run} does, reading the API key from the executor's environment.
     *
     * @throws IllegalStateException if the key variable is not set on the executor (or the provider refuses the settings)
     */
    @Override
    public LanguageModel create(ResponseCache cache) {
        RateLimit limit = null;
        if (rpm != null || tpm != null) {
            RateLimit.Builder b = RateLimit.builder();
            if (rpm != null) b.requestsPerMinute(rpm);
            if (tpm != null) b.tokensPerMinute(tpm);
            limit = b.build();
        }
        try {
            return Providers.create(
                    provider, model, baseUrl, apiKeyEnv, params(paramsJson), cache, timeout, maxAttempts, limit);
        } catch (Providers.UsageException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static Map<String, Object> params(String json) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.readValue(json, LinkedHashMap.class);
            return m;
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("the LM parameters must be a JSON object, not " + json, e);
        }
    }

    private static String json(Map<String, ?> params) {
        try {
            return JSON.writeValueAsString(params == null ? Map.of() : params);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the LM parameters cannot be written as JSON: " + e.getMessage(), e);
        }
    }
}
