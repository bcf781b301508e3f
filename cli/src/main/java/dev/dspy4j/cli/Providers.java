package dev.dspy4j.cli;

import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.gemini.GeminiChat;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.openai.AzureOpenAiChat;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiResponses;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * Makes provider clients for the command line (and for {@code dspy4j-spark}'s executors, which build
 * the same clients from the same settings): {@code openai} (chat completions),
 * {@code openai-responses} (the Responses API, {@code POST /v1/responses}), {@code anthropic}, {@code gemini} and
 * {@code azure} (the model is the deployment name; the endpoint comes from {@code --api-base} or
 * {@value AzureOpenAiChat#ENDPOINT_ENV}).
 */
public final class Providers {
    private Providers() {}

    /** Thrown for settings the command cannot use; the message says what to pass instead. */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * {@link #create(String, String, String, String, Map, ResponseCache, java.time.Duration, int,
     * dev.dspy4j.lm.RateLimit, boolean)} without a rate limit or uploads (the command line's tests).
     */
    static LanguageModel create(
            String provider,
            String model,
            String baseUrl,
            String apiKeyEnv,
            Map<String, Object> params,
            ResponseCache cache,
            java.time.Duration timeout,
            int maxAttempts) {
        return create(provider, model, baseUrl, apiKeyEnv, params, cache, timeout, maxAttempts, null);
    }

    /**
     * {@return an LM for {@code provider}, without uploads}; see {@link #create(String, String, String, String,
     * Map, ResponseCache, java.time.Duration, int, dev.dspy4j.lm.RateLimit, boolean)}
     *
     * @param provider    {@code openai}, {@code openai-responses}, {@code anthropic}, {@code gemini} or {@code azure}
     *                    (any case)
     * @param model       the model id as the provider names it (for azure, the deployment name)
     * @param baseUrl     the API base URL, or null for the provider's default
     * @param apiKeyEnv   the environment variable holding the key, or null for the provider's default variable
     * @param params      default request parameters (e.g. {@code temperature}), sent with every request
     * @param cache       the response cache, or null for none
     * @param timeout     the longest one request may take
     * @param maxAttempts attempts per request, 1 or more (1 = no retry)
     * @param rateLimit   the client-side limit on requests and tokens a minute, or null for none
     * @throws UsageException for an unknown provider, azure without an endpoint, or a key variable that is not
     *     set (a base URL on this machine needs no key)
     */
    public static LanguageModel create(
            String provider,
            String model,
            String baseUrl,
            String apiKeyEnv,
            Map<String, Object> params,
            ResponseCache cache,
            java.time.Duration timeout,
            int maxAttempts,
            dev.dspy4j.lm.RateLimit rateLimit) {
        return create(provider, model, baseUrl, apiKeyEnv, params, cache, timeout, maxAttempts, rateLimit, false);
    }

    /**
     * {@return an LM for {@code provider}, its key read from the environment when it is called}
     *
     * @param provider    {@code openai}, {@code openai-responses}, {@code anthropic}, {@code gemini} or {@code azure}
     *                    (any case)
     * @param model       the model id as the provider names it (for azure, the deployment name)
     * @param baseUrl     the API base URL, or null for the provider's default (for azure:
     *                    {@value AzureOpenAiChat#ENDPOINT_ENV})
     * @param apiKeyEnv   the environment variable holding the key, or null for the provider's default variable
     * @param params      default request parameters (e.g. {@code temperature}), sent with every request
     * @param cache       the response cache, or null for none
     * @param timeout     the longest one request may take
     * @param maxAttempts attempts per request, 1 or more (1 = no retry)
     * @param rateLimit   the client-side limit on requests and tokens a minute, or null for none
     * @param uploads     upload payloads the endpoint takes by file id once and send the id, recorded in the
     *                    cache's upload registry if it keeps one (the disk cache), else in this process's memory
     * @throws UsageException for an unknown provider, azure without an endpoint, or a key variable that is not
     *     set (a base URL on this machine needs no key)
     */
    public static LanguageModel create(
            String provider,
            String model,
            String baseUrl,
            String apiKeyEnv,
            Map<String, Object> params,
            ResponseCache cache,
            java.time.Duration timeout,
            int maxAttempts,
            dev.dspy4j.lm.RateLimit rateLimit,
            boolean uploads) {
        String p = provider.toLowerCase(Locale.ROOT);
        String defaultEnv;
        switch (p) {
            case "openai":
            case "openai-responses":
                defaultEnv = OpenAiChat.API_KEY_ENV;
                break;
            case "anthropic":
                defaultEnv = AnthropicChat.API_KEY_ENV;
                break;
            case "gemini":
                String gemini = System.getenv(GeminiChat.API_KEY_ENV);
                defaultEnv =
                        gemini == null || gemini.isBlank() ? GeminiChat.FALLBACK_API_KEY_ENV : GeminiChat.API_KEY_ENV;
                if (System.getenv(defaultEnv) == null) defaultEnv = GeminiChat.API_KEY_ENV;
                break;
            case "azure":
                defaultEnv = AzureOpenAiChat.API_KEY_ENV;
                if (baseUrl == null) {
                    baseUrl = System.getenv(AzureOpenAiChat.ENDPOINT_ENV);
                    if (baseUrl == null || baseUrl.isBlank()) {
                        throw new UsageException(
                                "azure needs the resource endpoint: pass --api-base https://<resource>.openai.azure.com"
                                        + " or set " + AzureOpenAiChat.ENDPOINT_ENV);
                    }
                }
                break;
            default:
                throw new UsageException("unknown provider '" + provider
                        + "'; expected openai, openai-responses, anthropic, gemini or azure "
                        + "(use openai with --api-base for any OpenAI-compatible server)");
        }
        String env = apiKeyEnv != null ? apiKeyEnv : defaultEnv;
        String key = System.getenv(env);
        if (key == null || key.isBlank()) {
            if (apiKeyEnv != null) {
                throw new UsageException("environment variable " + env + " (from --api-key-env) is not set");
            }
            if (baseUrl == null || !isLoopback(baseUrl)) {
                throw new UsageException("no API key: set " + env + " or name another variable with --api-key-env "
                        + "(a server on this machine, given with --api-base, needs none)");
            }
            key = null;
        }
        Settings settings = new Settings(key, params, cache, timeout, maxAttempts, rateLimit, uploads);
        return switch (p) {
            case "openai" ->
                settings.applyTo(OpenAiChat.builder().model(model), baseUrl).build();
            case "openai-responses" ->
                settings.applyTo(OpenAiResponses.builder().model(model), baseUrl)
                        .build();
            case "gemini" ->
                settings.applyTo(GeminiChat.builder().model(model), baseUrl).build();
            // Azure names the resource endpoint and a deployment instead of a base URL and a model
            case "azure" ->
                settings.applyTo(AzureOpenAiChat.builder().endpoint(baseUrl).deployment(model), null)
                        .build();
            default ->
                settings.applyTo(AnthropicChat.builder().model(model), baseUrl).build();
        };
    }

    /** The settings every provider's client takes from the command line, in one place for all five builders. */
    private record Settings(
            String key,
            Map<String, Object> params,
            ResponseCache cache,
            java.time.Duration timeout,
            int maxAttempts,
            dev.dspy4j.lm.RateLimit rateLimit,
            boolean uploads) {

        /** Never shows the API key (a record's own toString would). */
        @Override
        public String toString() {
            return "Settings[timeout=" + timeout + ", maxAttempts=" + maxAttempts + ", uploads=" + uploads + "]";
        }

        <B extends HttpLanguageModel.Builder<B>> B applyTo(B b, String baseUrl) {
            b.apiKey(key)
                    .cache(cache)
                    .timeout(timeout)
                    .maxAttempts(maxAttempts)
                    .rateLimit(rateLimit)
                    .uploads(uploads);
            if (baseUrl != null) b.baseUrl(baseUrl);
            params.forEach(b::param);
            return b;
        }
    }

    static boolean isLoopback(String url) {
        try {
            String host = URI.create(url).getHost();
            return host != null
                    && (host.equals("127.0.0.1")
                            || host.equals("localhost")
                            || host.equals("[::1]")
                            || host.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
