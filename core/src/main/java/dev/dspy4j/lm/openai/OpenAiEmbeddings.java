package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.Embedder;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A client for OpenAI-compatible embeddings ({@code POST {baseUrl}/embeddings}): OpenAI, and servers
 * that speak its protocol (vLLM, Ollama, LM Studio, llama.cpp, text-embeddings-inference).
 *
 * <pre>{@code
 * var embedder = OpenAiEmbeddings.builder().model("text-embedding-3-small").apiKeyFromEnv().build();
 * float[] v = embedder.embed("What is the capital of France?");
 * }</pre>
 *
 * <p>Wire shape: {@code {"model":..., "input":["text", ...], "encoding_format":"float"[, "dimensions":N]}};
 * the answer's {@code data[i].embedding} arrays are read in {@code index} order. Texts go in batches
 * of {@link Builder#batchSize} (default 256) per request.
 *
 * <p>Caching: each batch is an {@link LmRequest} (one user message per text, and the parameter
 * {@value #KIND_PARAM}{@code =embeddings}, which keeps its key apart from chat requests and is not
 * sent) through the same response cache and key as chat calls, so a text embedded once is served
 * from the cache afterwards, across runs with a disk cache. The vectors are stored as completions
 * holding their JSON arrays. Transport, retries, timeouts and secret handling are those of the chat
 * client ({@link HttpLanguageModel}). Thread-safe.
 */
public final class OpenAiEmbeddings extends HttpLanguageModel implements Embedder {

    /** The request parameter that marks an embeddings request in the cache key; not sent. */
    public static final String KIND_PARAM = "dspy4j_request_kind";

    private final URI endpoint;
    private final Integer dimensions;
    private final int batchSize;

    private OpenAiEmbeddings(Builder b) {
        super(b);
        this.endpoint = URI.create(baseUrl() + "/embeddings");
        this.dimensions = b.dimensions;
        this.batchSize = b.batchSize;
    }

    /** {@return a new builder (base URL {@value OpenAiChat#DEFAULT_BASE_URL}, no API key)} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        Objects.requireNonNull(texts, "texts");
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t == null || t.isEmpty()) {
                throw new IllegalArgumentException("text " + i + " to embed is " + (t == null ? "null" : "empty")
                        + "; embeddings need non-empty text");
            }
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += batchSize) {
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + batchSize));
            List<Message> messages = batch.stream().map(Message::user).toList();
            TreeMap<String, Object> params = new TreeMap<>();
            params.put(KIND_PARAM, "embeddings");
            if (dimensions != null) params.put("dimensions", dimensions);
            LmResponse response = complete(new LmRequest(new Prompt(messages), params, 1, null, true));
            if (response.completions().size() != batch.size()) {
                throw new MalformedResponseException(where() + ": " + batch.size() + " texts were sent but "
                        + response.completions().size() + " embeddings came back");
            }
            for (Completion c : response.completions()) out.add(vector(c.text()));
        }
        return out;
    }

    private float[] vector(String json) {
        try {
            JsonNode arr = JSON.readTree(json);
            float[] v = new float[arr.size()];
            for (int i = 0; i < v.length; i++) v[i] = (float) arr.get(i).asDouble();
            return v;
        } catch (IOException e) {
            throw new MalformedResponseException(
                    where() + ": a cached embedding is not a JSON array: " + e.getMessage());
        }
    }

    @Override
    protected String providerName() {
        return "OpenAI-compatible embeddings";
    }

    @Override
    protected URI endpoint() {
        return endpoint;
    }

    @Override
    protected void authenticate(HttpRequest.Builder request, String apiKey) {
        OpenAiHttpModel.bearer(request, apiKey);
    }

    @Override
    protected void checkRequest(LmRequest request) {
        for (Message m : request.prompt().messages()) {
            for (Part p : m.parts()) {
                if (!(p instanceof Part.Text)) {
                    throw new IllegalArgumentException("OpenAiEmbeddings embeds text only, not "
                            + p.getClass().getSimpleName());
                }
            }
        }
    }

    @Override
    protected void writeBody(JsonBody body, LmRequest request) throws IOException {
        JsonGenerator g = body.json();
        g.writeStartObject();
        g.writeStringField("model", model());
        g.writeArrayFieldStart("input");
        for (Message m : request.prompt().messages()) {
            StringBuilder sb = new StringBuilder();
            for (Part p : m.parts()) sb.append(((Part.Text) p).text());
            g.writeString(sb.toString());
        }
        g.writeEndArray();
        g.writeStringField("encoding_format", "float");
        Object dims = request.params().get("dimensions");
        if (dims != null) {
            g.writeFieldName("dimensions");
            g.writeObject(dims);
        }
        g.writeEndObject();
    }

    @Override
    protected LmResponse parseResponse(JsonNode body, LmRequest request) {
        JsonNode data = body.path("data");
        if (!data.isArray()) throw new MalformedResponseException("the response has no \"data\" array");
        List<JsonNode> sorted = new ArrayList<>();
        data.forEach(sorted::add);
        sorted.sort(Comparator.comparingInt(d -> d.path("index").asInt(0)));
        List<Completion> out = new ArrayList<>(sorted.size());
        int length = -1;
        for (JsonNode d : sorted) {
            JsonNode e = d.path("embedding");
            if (!e.isArray() || e.isEmpty()) {
                throw new MalformedResponseException("data[" + d.path("index").asInt(0) + "] has no \"embedding\" array"
                        + (e.isTextual() ? " (base64 encoding is not read; the client asks for floats)" : ""));
            }
            for (JsonNode x : e) {
                if (!x.isNumber()) throw new MalformedResponseException("an embedding holds a non-number: " + x);
            }
            if (length >= 0 && e.size() != length) {
                throw new MalformedResponseException("embeddings of different lengths: " + length + " and " + e.size());
            }
            length = e.size();
            out.add(Completion.of(e.toString()));
        }
        JsonNode u = body.path("usage");
        Usage usage = new Usage(u.path("prompt_tokens").asLong(0), 0);
        return new LmResponse(
                out, usage, body.path("model").isTextual() ? body.path("model").asText() : null, false);
    }

    /** Builds an {@link OpenAiEmbeddings}; {@link #model(String)} is required. */
    public static final class Builder extends OpenAiBuilder<Builder> {
        private Integer dimensions;
        private int batchSize = 256;

        private Builder() {
            super(OpenAiChat.DEFAULT_BASE_URL, OpenAiChat.API_KEY_ENV);
        }

        /**
         * Sets the vector length to ask for ({@code dimensions}; models that support shortening, e.g.
         * text-embedding-3-*).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder dimensions(int n) {
            if (n < 1) throw new IllegalArgumentException("dimensions must be at least 1, not " + n);
            this.dimensions = n;
            return this;
        }

        /**
         * Sets the texts per request (default 256; OpenAI accepts up to 2048).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder batchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("batchSize must be at least 1, not " + n);
            this.batchSize = n;
            return this;
        }

        /**
         * {@return the embedder}
         *
         * @throws IllegalStateException without a model, or when {@link #apiKeyFromEnv()} found no key and the
         *     base URL is not on loopback
         */
        public OpenAiEmbeddings build() {
            if (model() == null) throw new IllegalStateException("OpenAiEmbeddings needs a model: call model(\"...\")");
            return new OpenAiEmbeddings(this);
        }
    }
}
