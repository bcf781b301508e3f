package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.http.JsonBody;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A client for the Anthropic Messages API ({@code POST {baseUrl}/v1/messages}, headers
 * {@code x-api-key} and {@code anthropic-version}).
 *
 * <pre>{@code
 * var claude = AnthropicChat.builder().model("claude-sonnet-4-5").apiKeyFromEnv().maxTokens(2048).build();
 * }</pre>
 *
 * <p>System messages become the top-level {@code system} prompt; {@code max_tokens} is always sent
 * (default {@value #DEFAULT_MAX_TOKENS}); a {@code stop_reason} of {@code max_tokens} makes
 * {@link Completion#truncated()} true. The API returns one completion per call, so a request for
 * {@code n > 1} completions makes {@code n} calls and sums their usage. Images, PDF and text
 * documents (with title, context and citations) are streamed as blocks:
 * {@code {"type":"image","source":{"type":"base64","media_type":...,"data":...}}} (or a
 * {@code "url"} source), {@code {"type":"document","source":{"type":"base64","media_type":"application/pdf",...}}}
 * and {@code {"type":"document","source":{"type":"text","media_type":"text/plain","data":"<text>"}}} with
 * {@code title}, {@code context} and {@code "citations":{"enabled":true}} when set. {@code stop} is sent
 * as {@code stop_sequences}; OpenAI-only parameters ({@code n}, {@code seed}, {@code response_format},
 * penalties, logprobs) are not sent. Audio, and media in system messages, are refused before
 * anything is sent. Thread-safe.
 */
public final class AnthropicChat extends HttpLanguageModel {

    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    public static final String API_KEY_ENV = "ANTHROPIC_API_KEY";
    public static final String DEFAULT_VERSION = "2023-06-01";
    public static final int DEFAULT_MAX_TOKENS = 1024;

    private final URI endpoint;
    private final String version;
    private final int defaultMaxTokens;

    private AnthropicChat(Builder b) {
        super(b);
        this.endpoint = URI.create(baseUrl() + "/v1/messages");
        this.version = b.version;
        this.defaultMaxTokens = b.defaultMaxTokens;
    }

    /** A new builder (base URL {@value #DEFAULT_BASE_URL}, no API key). */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected String providerName() {
        return "Anthropic messages";
    }

    @Override
    protected URI endpoint() {
        return endpoint;
    }

    @Override
    protected void authenticate(HttpRequest.Builder request, String apiKey) {
        if (apiKey != null) request.header("x-api-key", apiKey);
        request.header("anthropic-version", version);
    }

    @Override
    protected void checkRequest(LmRequest request) {
        AnthropicCodec.check(request);
    }

    @Override
    protected void writeBody(JsonBody body, LmRequest request) throws IOException {
        AnthropicCodec.write(body, model(), request, defaultMaxTokens);
    }

    @Override
    protected LmResponse parseResponse(JsonNode body, LmRequest request) {
        return AnthropicCodec.parse(body, this);
    }

    MalformedResponseException malformed(String why) {
        return new MalformedResponseException(why);
    }

    /** One call per completion: the Messages API has no {@code n}. */
    @Override
    protected LmResponse send(LmRequest request) {
        if (request.n() == 1) return exchange(request);
        LmRequest one = request.withN(1);
        List<Completion> completions = new ArrayList<>(request.n());
        Usage usage = Usage.ZERO;
        String model = null;
        for (int i = 0; i < request.n(); i++) {
            LmResponse r = exchange(one);
            completions.addAll(r.completions());
            usage = usage.plus(r.usage());
            model = r.model();
        }
        return new LmResponse(completions, usage, model, false);
    }

    /** Anthropic errors: {@code {"type":"error","error":{"type":...,"message":...}}}. */
    @Override
    protected ProviderError parseError(JsonNode body) {
        JsonNode e = body.path("error");
        String message = text(e.path("message"));
        String type = text(e.path("type"));
        if (message == null && type == null) return super.parseError(body);
        return new ProviderError(message, type);
    }

    /** Builds an {@link AnthropicChat}; {@link #model(String)} is required. */
    public static final class Builder extends HttpLanguageModel.Builder<Builder> {
        private String version = DEFAULT_VERSION;
        private int defaultMaxTokens = DEFAULT_MAX_TOKENS;

        private Builder() {
            super(DEFAULT_BASE_URL);
        }

        /** The API key from {@value AnthropicChat#API_KEY_ENV}; none if it is unset. */
        public Builder apiKeyFromEnv() {
            return apiKeyFromEnv(API_KEY_ENV);
        }

        /** The {@code anthropic-version} header (default {@value AnthropicChat#DEFAULT_VERSION}). */
        public Builder anthropicVersion(String v) {
            if (v == null || v.isBlank()) throw new IllegalArgumentException("anthropicVersion must not be blank");
            this.version = v;
            return this;
        }

        /** The {@code max_tokens} sent when a request sets none (default {@value AnthropicChat#DEFAULT_MAX_TOKENS}). */
        public Builder defaultMaxTokens(int tokens) {
            if (tokens < 1) throw new IllegalArgumentException("defaultMaxTokens must be at least 1, not " + tokens);
            this.defaultMaxTokens = tokens;
            return this;
        }

        public AnthropicChat build() {
            if (model() == null) throw new IllegalStateException("AnthropicChat needs a model: call model(\"...\")");
            return new AnthropicChat(this);
        }
    }
}
