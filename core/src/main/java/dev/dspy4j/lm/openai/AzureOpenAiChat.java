package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.ContentBlockedException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.http.JsonBody;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A client for Azure OpenAI chat completions, with the OpenAI codec (same wire shapes, same media
 * checks; video is refused).
 *
 * <pre>{@code
 * // deployment URL: {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=2024-10-21
 * var lm = AzureOpenAiChat.builder().endpoint("https://my-res.openai.azure.com").deployment("gpt-4o-prod")
 *         .apiKeyFromEnv().build();
 * // v1 API (GA since August 2025): {endpoint}/openai/v1/chat/completions, the deployment as "model"
 * var v1 = AzureOpenAiChat.builder().endpoint("https://my-res.openai.azure.com").deployment("gpt-4o-prod")
 *         .v1().apiKeyFromEnv().build();
 * }</pre>
 *
 * <p>The key travels in the {@code api-key} header (for Entra ID, leave it unset and add
 * {@code header("Authorization", "Bearer ...")}). The deployment name is the model name of the
 * cache key and of the body's {@code model}; a deployment named after a reasoning model
 * ({@code o3-mini}, {@code gpt-5}, ...) gets that model's parameter rules.
 *
 * <p>Azure's content filter: a prompt it blocks answers HTTP 400 with
 * {@code {"error":{"code":"content_filter","innererror":{"code":"ResponsibleAIPolicyViolation",
 * "content_filter_result":{"hate":{"filtered":true,"severity":"high"},...}}}}}, and an answer it
 * blocks ends with {@code finish_reason: content_filter} and {@code content_filter_results}. Both throw
 * {@link ContentBlockedException} naming the filtered categories (when every choice is blocked; a
 * blocked choice beside answered ones gets a refusal naming them). Other errors keep Azure's code
 * ({@code DeploymentNotFound}, {@code 429}, ...). Thread-safe.
 */
public final class AzureOpenAiChat extends HttpLanguageModel {

    /** The GA {@code api-version} used by default for deployment URLs. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";
    /** The environment variable {@link Builder#apiKeyFromEnv()} reads. */
    public static final String API_KEY_ENV = "AZURE_OPENAI_API_KEY";
    /** The environment variable {@link Builder#endpointFromEnv()} reads. */
    public static final String ENDPOINT_ENV = "AZURE_OPENAI_ENDPOINT";

    private final URI endpoint;
    private final String apiVersion;

    private AzureOpenAiChat(Builder b) {
        super(b);
        this.apiVersion = b.v1 ? null : b.apiVersion;
        String dep = URLEncoder.encode(model(), StandardCharsets.UTF_8);
        this.endpoint = URI.create(
                b.v1
                        ? baseUrl() + "/openai/v1/chat/completions"
                        : baseUrl() + "/openai/deployments/" + dep + "/chat/completions?api-version="
                                + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
    }

    /** {@return a new builder; {@link Builder#endpoint} and {@link Builder#deployment} are required} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the {@code api-version} sent, or null for the v1 API} */
    public String apiVersion() {
        return apiVersion;
    }

    @Override
    protected String providerName() {
        return "Azure OpenAI";
    }

    @Override
    protected URI endpoint() {
        return endpoint;
    }

    @Override
    protected void authenticate(HttpRequest.Builder request, String apiKey) {
        if (apiKey != null) request.header("api-key", apiKey);
    }

    @Override
    protected void checkRequest(LmRequest request) {
        OpenAiCodec.check(request);
    }

    @Override
    protected void writeBody(JsonBody body, LmRequest request) throws IOException {
        OpenAiCodec.write(body, model(), request);
    }

    @Override
    protected LmResponse parseResponse(JsonNode body, LmRequest request) {
        LmResponse r = OpenAiCodec.parse(body, MalformedResponseException::new);
        JsonNode choices = body.path("choices");
        List<Completion> out = new ArrayList<>(r.completions().size());
        int blocked = 0;
        List<String> first = List.of();
        for (int i = 0; i < r.completions().size(); i++) {
            Completion c = r.completions().get(i);
            if (!"content_filter".equals(c.finishReason())) {
                out.add(c);
                continue;
            }
            List<String> categories = filtered(choiceFilter(choices, i));
            if (blocked++ == 0) first = categories;
            out.add(new Completion(
                    c.text(),
                    c.finishReason(),
                    c.toolCalls(),
                    "blocked (content_filter" + (categories.isEmpty() ? "" : ": " + String.join(", ", categories))
                            + ")",
                    c.citations()));
        }
        if (blocked > 0 && blocked == out.size()) {
            throw new ContentBlockedException(
                    where() + ": the answer was blocked by Azure's content filter"
                            + (first.isEmpty() ? "" : " (" + String.join(", ", first) + ")"),
                    200,
                    null,
                    "content_filter",
                    first,
                    false);
        }
        return blocked == 0 ? r : new LmResponse(out, r.usage(), r.model(), r.cacheHit());
    }

    private static JsonNode choiceFilter(JsonNode choices, int sortedIndex) {
        for (JsonNode c : choices) {
            if (c.path("index").asInt(0) == sortedIndex) return c.path("content_filter_results");
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The categories marked {@code "filtered": true} (hate, sexual, violence, self_harm, jailbreak, ...). */
    static List<String> filtered(JsonNode results) {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = results.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().path("filtered").asBoolean(false)) out.add(e.getKey());
        }
        return out;
    }

    /** A 400 {@code content_filter} error becomes a {@link ContentBlockedException} naming the categories. */
    @Override
    protected LmException errorFromBody(int status, JsonNode body, String message, String providerMessage) {
        JsonNode e = body.path("error");
        if (!"content_filter".equals(e.path("code").asText())
                && !"ResponsibleAIPolicyViolation"
                        .equals(e.path("innererror").path("code").asText())) {
            return null;
        }
        List<String> categories = filtered(e.path("innererror").path("content_filter_result"));
        return new ContentBlockedException(
                message + (categories.isEmpty() ? "" : " (filtered: " + String.join(", ", categories) + ")"),
                status,
                providerMessage,
                "content_filter",
                categories,
                true);
    }

    /** Azure's answers support JSON-schema response formats (api-version 2024-10-21 and the v1 API). */
    @Override
    protected boolean defaultStructuredOutputs() {
        return true;
    }

    @Override
    protected boolean defaultNativeTools() {
        return true;
    }

    /** Builds an {@link AzureOpenAiChat}. */
    public static final class Builder extends OpenAiBuilder<Builder> {
        private String apiVersion = DEFAULT_API_VERSION;
        private boolean v1;
        private boolean endpointSet;

        private Builder() {
            super("https://example.openai.azure.com", API_KEY_ENV);
        }

        /**
         * Sets the resource endpoint (the base URL).
         *
         * @param url e.g. {@code https://my-resource.openai.azure.com}, without {@code /openai...}
         * @return this builder
         * @throws IllegalArgumentException if {@code url} ends with {@code /openai} or is not an http(s) URL
         */
        public Builder endpoint(String url) {
            if (url != null && url.replaceAll("/+$", "").endsWith("/openai")) {
                throw new IllegalArgumentException(
                        "endpoint '" + url + "' ends with /openai; give the resource endpoint"
                                + " only, e.g. https://my-resource.openai.azure.com");
            }
            baseUrl(url);
            endpointSet = true;
            return this;
        }

        /**
         * Sets the endpoint from {@value AzureOpenAiChat#ENDPOINT_ENV}.
         *
         * @return this builder
         * @throws IllegalStateException if the variable is unset or blank
         */
        public Builder endpointFromEnv() {
            String v = System.getenv(ENDPOINT_ENV);
            if (v == null || v.isBlank())
                throw new IllegalStateException("environment variable " + ENDPOINT_ENV + " is not set");
            return endpoint(v.strip());
        }

        /**
         * Sets the deployment name: what Azure routes to, and the model name of cache keys.
         *
         * @param name the deployment, not blank
         * @return this builder
         */
        public Builder deployment(String name) {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("deployment must not be blank");
            return model(name);
        }

        /**
         * Sets the {@code api-version} of deployment URLs (default {@value AzureOpenAiChat#DEFAULT_API_VERSION}).
         *
         * @param version a date, optionally with {@code -preview}: {@code 2024-10-21}, {@code 2025-04-01-preview}
         * @return this builder
         */
        public Builder apiVersion(String version) {
            if (version == null || !version.matches("\\d{4}-\\d{2}-\\d{2}(-preview)?")) {
                throw new IllegalArgumentException(
                        "apiVersion must look like 2024-10-21 or 2025-04-01-preview, not '" + version + "'");
            }
            this.apiVersion = version;
            return this;
        }

        /**
         * Uses the v1 API ({@code {endpoint}/openai/v1/chat/completions}, no api-version).
         *
         * @return this builder
         */
        public Builder v1() {
            this.v1 = true;
            return this;
        }

        /**
         * {@return the client}
         *
         * @throws IllegalStateException without an endpoint or a deployment, or when {@link #apiKeyFromEnv()}
         *     found no key and the endpoint is not on loopback
         */
        public AzureOpenAiChat build() {
            if (!endpointSet)
                throw new IllegalStateException(
                        "AzureOpenAiChat needs an endpoint: call endpoint(\"https://<resource>.openai.azure.com\")");
            if (model() == null)
                throw new IllegalStateException("AzureOpenAiChat needs a deployment: call deployment(\"...\")");
            return new AzureOpenAiChat(this);
        }
    }
}
