package dev.dspy4j.lm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.http.StreamDecoder;
import dev.dspy4j.lm.upload.FilesApi;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Part;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;

/**
 * A client for Google's Gemini API, native {@code generateContent}
 * ({@code POST {baseUrl}/models/{model}:generateContent}).
 *
 * <pre>{@code
 * var lm = GeminiChat.builder().model("gemini-2.5-flash").apiKeyFromEnv().build();
 * var big = GeminiChat.builder().model("gemini-2.5-pro").apiKeyFromEnv()
 *         .filesApiAbove(8 * 1024 * 1024).build();   // larger payloads go through the Files API
 * }</pre>
 *
 * <p>The API key travels in the {@code x-goog-api-key} header, never in the URL (so it cannot reach
 * a log that records URLs). The wire shapes, the parameter mapping and the media Gemini takes
 * (images, audio, video, PDF, text) are those of the codec: see {@code GeminiCodec}; the body is
 * streamed, each inline payload's base64 encoded from its bytes while it is sent.
 *
 * <p>Large media: with {@link Builder#filesApiAbove(long)}, a payload of more bytes is uploaded once
 * through the Files API ({@link GeminiFiles}, the upload streamed from the payload) and the request
 * refers to it by {@code file_data.file_uri}; uploads are remembered by payload digest until shortly
 * before Gemini deletes them (48 hours), so each payload crosses the wire once per client. The cache
 * key does not change: it holds the payload's digest either way.
 *
 * <p>Streaming ({@code Module.stream}): the same body is posted to
 * {@code :streamGenerateContent?alt=sse}; the chunks are put back together as one response
 * ({@code GeminiStream}) and read by the same parser, so blocks, usage and caching are as without streaming.
 *
 * <p>Responses: see {@code GeminiResponses}. Safety blocks throw
 * {@link dev.dspy4j.lm.ContentBlockedException} naming the reason and categories. Errors
 * ({@code {"error":{"code":..,"message":..,"status":"RESOURCE_EXHAUSTED"}}}) keep Google's status name
 * as the error code. Thread-safe.
 */
public final class GeminiChat extends HttpLanguageModel {

    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";
    /** The environment variable {@link Builder#apiKeyFromEnv()} reads first. */
    public static final String API_KEY_ENV = "GEMINI_API_KEY";
    /** The environment variable {@link Builder#apiKeyFromEnv()} reads when {@value #API_KEY_ENV} is unset. */
    public static final String FALLBACK_API_KEY_ENV = "GOOGLE_API_KEY";

    private final URI endpoint;
    private final URI streamingEndpoint;
    private final long filesApiAbove;
    private final GeminiFiles files;

    private GeminiChat(Builder b) {
        super(b);
        this.endpoint = URI.create(baseUrl() + "/models/" + b.modelId + ":generateContent");
        this.streamingEndpoint = URI.create(baseUrl() + "/models/" + b.modelId + ":streamGenerateContent?alt=sse");
        this.filesApiAbove = b.filesApiAbove;
        this.files = new GeminiFiles(this, b.filesPollInterval, uploadRegistry());
    }

    /** {@return a new builder (base URL {@value #DEFAULT_BASE_URL}, no API key)} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the Files API of this client's account (uploads, status), with the same key and base URL} */
    public GeminiFiles files() {
        return files;
    }

    /**
     * {@return the size in bytes above which a payload goes through the Files API ({@link Long#MAX_VALUE}:
     * never; 0: every non-text payload)}
     */
    public long filesApiAbove() {
        return filesApiAbove;
    }

    @Override
    protected String providerName() {
        return "Gemini";
    }

    @Override
    protected URI endpoint() {
        return endpoint;
    }

    /** {@code {baseUrl}/models/{model}:streamGenerateContent?alt=sse}: server-sent events. */
    @Override
    protected URI streamingEndpoint() {
        return streamingEndpoint;
    }

    /** Gemini streams the same body to another URL; see {@link GeminiStream}. */
    @Override
    protected StreamDecoder streamDecoder(LmRequest request) {
        return new GeminiStream();
    }

    @Override
    protected void authenticate(HttpRequest.Builder request, String apiKey) {
        if (apiKey != null) request.header("x-goog-api-key", apiKey);
    }

    @Override
    protected void checkRequest(LmRequest request) {
        GeminiCodec.check(request);
    }

    /** This account's Files API (resumable uploads, ids are file URIs), used for payloads over {@link #filesApiAbove()}. */
    @Override
    protected FilesApi filesApi() {
        return files.asFilesApi();
    }

    /** Payloads over {@link #filesApiAbove()} go by file URI, except text (always a text part). */
    @Override
    protected String inlineReason(Part part, Payload payload) {
        return goesByFile(payload) ? null : "";
    }

    private boolean goesByFile(Payload p) {
        return p.size() > filesApiAbove && !p.mediaType().isText();
    }

    @Override
    protected void writeBody(JsonBody body, LmRequest request) throws IOException {
        GeminiCodec.write(body, request, p -> {
            String uri = goesByFile(p) ? uploadedId(p) : null;
            return uri == null ? null : GeminiFiles.referenced(uri, p);
        });
    }

    @Override
    protected LmResponse parseResponse(JsonNode body, LmRequest request) {
        return GeminiResponses.parse(body, MalformedResponseException::new, where());
    }

    /** Google's error body: {@code {"error":{"code":429,"message":...,"status":"RESOURCE_EXHAUSTED"}}}. */
    @Override
    protected ProviderError parseError(JsonNode body) {
        JsonNode e = body.path("error");
        String status = text(e.path("status"));
        ProviderError base = super.parseError(body);
        return new ProviderError(base.message(), status != null ? status : base.code());
    }

    /** Gemini says "The input token count (N) exceeds the maximum number of tokens allowed (M)". */
    @Override
    protected boolean isContextWindow(String code, String message) {
        if (message != null && message.toLowerCase(Locale.ROOT).contains("exceeds the maximum number of tokens"))
            return true;
        return super.isContextWindow(code, message);
    }

    /** Gemini takes JSON Schema output ({@code responseJsonSchema}). */
    @Override
    protected boolean defaultStructuredOutputs() {
        return true;
    }

    /** Gemini takes function declarations. */
    @Override
    protected boolean defaultNativeTools() {
        return true;
    }

    // ---- for GeminiFiles ----

    void authenticateUpload(HttpRequest.Builder request) {
        addAuthentication(request);
    }

    String redactText(String s) {
        return redact(s);
    }

    String whereFiles() {
        return "Gemini Files API at " + HttpLanguageModel.withoutUserInfo(files.uploadEndpoint());
    }

    /** Builds a {@link GeminiChat}; {@link #model(String)} is required. */
    public static final class Builder extends HttpLanguageModel.Builder<Builder> {
        private long filesApiAbove = -1;
        private Duration filesPollInterval = Duration.ofSeconds(2);
        private String modelId;

        private Builder() {
            super(DEFAULT_BASE_URL);
        }

        /**
         * Takes the API key from the environment variable {@value GeminiChat#API_KEY_ENV}, else
         * {@value GeminiChat#FALLBACK_API_KEY_ENV}, read now. If both are unset or blank, {@link #build()} fails
         * unless the base URL is on loopback (a local server needs no key).
         *
         * @return this builder
         */
        public Builder apiKeyFromEnv() {
            return apiKeyFromEnv(API_KEY_ENV, FALLBACK_API_KEY_ENV);
        }

        /**
         * Sends payloads of more than {@code bytes} bytes through the Files API (uploaded once, then
         * referred to by URI) instead of inline (default: never, or every payload with
         * {@code uploads(...)}); this turns uploads on. Gemini refuses requests over 20 MB inline, so
         * anything near that should go this way. Text is always sent inline.
         *
         * @param bytes the threshold in bytes, at least 0 (0 uploads every non-text payload)
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is negative
         */
        public Builder filesApiAbove(long bytes) {
            if (bytes < 0) throw new IllegalArgumentException("filesApiAbove must be at least 0 bytes, not " + bytes);
            this.filesApiAbove = bytes;
            return this;
        }

        /**
         * Sets how often an upload still {@code PROCESSING} (a video) is polled until it is {@code ACTIVE}
         * (default 2 s).
         *
         * @param interval the wait between polls, positive
         * @return this builder
         * @throws IllegalArgumentException if it is null, zero or negative
         */
        public Builder filesPollInterval(Duration interval) {
            if (interval == null || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("filesPollInterval must be positive, not " + interval);
            }
            this.filesPollInterval = interval;
            return this;
        }

        /**
         * {@return a new client}
         *
         * @throws IllegalStateException    if no model was set, or {@link #apiKeyFromEnv()} found no key and
         *                                  the base URL is not on loopback
         * @throws IllegalArgumentException if the model is not a Gemini model name (letters, digits,
         *                                  {@code .}, {@code _} and {@code -}, optionally after {@code models/})
         */
        public GeminiChat build() {
            if (model() == null)
                throw new IllegalStateException("GeminiChat needs a model: call model(\"gemini-2.5-flash\")");
            String id = model().startsWith("models/") ? model().substring("models/".length()) : model();
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new IllegalArgumentException(
                        "Gemini model '" + model() + "' is not a model name (letters, digits,"
                                + " '.', '_' and '-', optionally after 'models/'), e.g. gemini-2.5-flash");
            }
            this.modelId = id;
            // a size threshold turns uploads on; uploads on without one send every non-text payload by file
            if (filesApiAbove >= 0 && !uploadsSetting()) uploads(true);
            if (filesApiAbove < 0) filesApiAbove = uploadsSetting() ? 0 : Long.MAX_VALUE;
            return new GeminiChat(this);
        }
    }
}
