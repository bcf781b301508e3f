package dev.dspy4j.lm.openai;

import dev.dspy4j.lm.http.HttpLanguageModel;

/**
 * The builder options the OpenAI clients share beyond {@link HttpLanguageModel.Builder}: the default
 * base URL and the environment variable of {@link #apiKeyFromEnv()}. Package-private: each client's
 * public {@code Builder} ({@link OpenAiChat.Builder}, {@link OpenAiResponses.Builder},
 * {@link OpenAiEmbeddings.Builder}, {@link AzureOpenAiChat.Builder}) extends it.
 *
 * @param <B> the client's builder, which each option returns
 */
abstract class OpenAiBuilder<B extends OpenAiBuilder<B>> extends HttpLanguageModel.Builder<B> {
    private final String apiKeyEnv;

    /**
     * @param defaultBaseUrl the base URL until {@code baseUrl} is called
     * @param apiKeyEnv the variable {@link #apiKeyFromEnv()} reads
     */
    OpenAiBuilder(String defaultBaseUrl, String apiKeyEnv) {
        super(defaultBaseUrl);
        this.apiKeyEnv = apiKeyEnv;
    }

    /**
     * Reads the API key from the client's environment variable, its {@code API_KEY_ENV}
     * ({@value OpenAiChat#API_KEY_ENV}; {@value AzureOpenAiChat#API_KEY_ENV} for Azure); none if it is
     * unset (building then fails unless the base URL is on loopback).
     *
     * @return this builder
     */
    public B apiKeyFromEnv() {
        return apiKeyFromEnv(apiKeyEnv);
    }
}
