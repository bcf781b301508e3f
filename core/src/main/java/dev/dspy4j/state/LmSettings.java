package dev.dspy4j.state;

import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiResponses;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The settings of a predictor's LM as saved in a state file: never a secret. Parameters whose name
 * looks like a credential ({@code api_key}, {@code authorization}, {@code secret}, {@code password},
 * ...) are dropped on construction, and so is a {@code user:password@} part of the base URL, so they
 * cannot be saved (or shown by {@code dspy4j inspect}) even by mistake.
 *
 * @param provider the provider ({@code openai}, {@code openai-responses}, {@code anthropic}, ...), or null if not known
 * @param model    the model name
 * @param baseUrl  the API base URL, or null for the provider's default
 * @param params   default request parameters ({@code temperature}, {@code max_tokens}, ...), sorted
 */
public record LmSettings(String provider, String model, String baseUrl, Map<String, Object> params) {

    /**
     * Drops credential-like parameters, null values and any {@code user:password@} in the base URL.
     *
     * @param provider the provider, or null
     * @param model    the model name, required
     * @param baseUrl  the base URL, or null
     * @param params   the parameters, or null for none; copied and sorted by name
     */
    public LmSettings {
        Objects.requireNonNull(model, "model");
        TreeMap<String, Object> safe = new TreeMap<>();
        if (params != null) {
            params.forEach((k, v) -> {
                if (!isSecretName(k) && v != null) safe.put(k, v);
            });
        }
        params = Collections.unmodifiableSortedMap(safe);
        baseUrl = withoutUserInfo(baseUrl);
    }

    /** {@code url} without a {@code user:password@} part (a credential), whoever made the settings. */
    private static String withoutUserInfo(String url) {
        if (url == null) return null;
        try {
            return HttpLanguageModel.withoutUserInfo(new java.net.URI(url));
        } catch (java.net.URISyntaxException e) {
            return url; // not a URL: refused where it is used, and holds no user info to drop
        }
    }

    /**
     * Tells whether a parameter name may hold a credential: it contains {@code api_key}, {@code apikey},
     * {@code secret}, {@code password} or {@code authorization}, ends in {@code access_token} or
     * {@code auth_token}, or is {@code token} or {@code credentials} (case ignored; {@code -} counts as
     * {@code _}, but a missing separator is not ignored: {@code accesstoken} is kept).
     *
     * @param name the parameter name
     * @return true if it is never saved
     */
    public static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("-", "_");
        return n.contains("api_key")
                || n.contains("apikey")
                || n.contains("secret")
                || n.contains("password")
                || n.contains("authorization")
                || n.equals("token")
                || n.endsWith("access_token")
                || n.endsWith("auth_token")
                || n.equals("credentials");
    }

    /**
     * The settings of {@code lm}: its model and default parameters, and for dspy4j's own clients the
     * provider and the base URL (when not the provider's default). Never its API key or headers.
     *
     * @param lm the LM
     * @return its settings; provider null for an LM that is not one of dspy4j's clients
     */
    public static LmSettings of(LanguageModel lm) {
        Objects.requireNonNull(lm, "lm");
        Map<String, Object> params = lm instanceof AbstractLanguageModel a ? a.defaults() : Map.of();
        return new LmSettings(providerOf(lm), lm.model(), baseUrlOf(lm), params);
    }

    static String providerOf(LanguageModel lm) {
        if (lm instanceof OpenAiChat) return "openai";
        if (lm instanceof OpenAiResponses) return "openai-responses";
        if (lm instanceof AnthropicChat) return "anthropic";
        if (lm instanceof ScriptedLm) return "scripted";
        return null;
    }

    /** The base URL of an HTTP client when it is not its provider's default, else null. */
    static String baseUrlOf(LanguageModel lm) {
        if (!(lm instanceof HttpLanguageModel h)) return null;
        String url = HttpLanguageModel.withoutUserInfo(h.baseUrl()); // a password is never saved
        if (lm instanceof OpenAiChat && url.equals(OpenAiChat.DEFAULT_BASE_URL)) return null;
        if (lm instanceof OpenAiResponses && url.equals(OpenAiResponses.DEFAULT_BASE_URL)) return null;
        if (lm instanceof AnthropicChat && url.equals(AnthropicChat.DEFAULT_BASE_URL)) return null;
        return url;
    }

    /** {@return {@code provider/model}, as the CLI's {@code --lm} takes it, or the model alone when the provider is unknown} */
    public String qualifiedModel() {
        return provider == null ? model : provider + "/" + model;
    }
}
