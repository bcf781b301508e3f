package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.batch.BatchClient;
import dev.dspy4j.lm.batch.Batchable;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.http.ProviderMedia;
import dev.dspy4j.lm.http.StreamDecoder;
import dev.dspy4j.lm.upload.FilesApi;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * {@code n > 1} completions makes {@code n} calls and sums their usage (the first streamed, when streamed). Images, PDF and text
 * documents (with title, context and citations) are streamed as blocks:
 * {@code {"type":"image","source":{"type":"base64","media_type":...,"data":...}}} (or a
 * {@code "url"} source), {@code {"type":"document","source":{"type":"base64","media_type":"application/pdf",...}}}
 * and {@code {"type":"document","source":{"type":"text","media_type":"text/plain","data":"<text>"}}} with
 * {@code title}, {@code context} and {@code "citations":{"enabled":true}} when set. {@code stop} is sent
 * as {@code stop_sequences}; OpenAI-only parameters ({@code n}, {@code seed}, {@code response_format},
 * penalties, logprobs) are not sent. Audio, and media in system messages, are refused before
 * anything is sent. Thread-safe.
 *
 * <p>Also translated or checked before sending:
 * <ul>
 *   <li>native tools and {@code tool_choice} go in Anthropic's shape (see {@code AnthropicTools});</li>
 *   <li>a JSON-schema {@code response_format} (what {@code JsonAdapter} sends) becomes
 *       {@code output_config.format} ({@code {"type":"json_schema","schema":...}}) for models with
 *       structured outputs (Claude 4.5 and later, or {@code structuredOutputs(true)}); otherwise it,
 *       like a {@code json_object} format, is not sent, a warning is logged once, and the prompt's
 *       own instructions ask for JSON;</li>
 *   <li>a file id goes in an {@code image} block when its type is an image, else in a
 *       {@code document} block ({@code source.type = "file"}), with the {@code anthropic-beta:
 *       files-api-2025-04-14} header;</li>
 *   <li>images are PNG, JPEG, GIF or WebP; files are such images, PDF or text; an image's
 *       {@code detail} (an OpenAI option the Messages API has no field for) is not sent.</li>
 * </ul>
 *
 * <p>Responses: {@code stop_reason} {@code refusal} sets {@link Completion#refusal()};
 * {@code model_context_window_exceeded} counts as truncation; {@code pause_turn} is thrown as an
 * {@link LmException} (continuing a paused turn is not supported); citations on text blocks are kept
 * on the completion; usage keeps cache reads and writes apart.
 *
 * <p>Prompt caching (on by default, {@link Builder#promptCaching}): a prompt whose system message and
 * demos an adapter marked as its stable prefix gets {@code "cache_control":{"type":"ephemeral"}} on the
 * last block of the last demo message and of the last history message (see
 * {@code AnthropicPromptCache}); such a message goes as a list of blocks even when it is one text.
 */
public final class AnthropicChat extends HttpLanguageModel implements Batchable {

    /** The base URL of Anthropic's API; requests go to {@code {baseUrl}/v1/messages}. */
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";

    /** The environment variable {@link Builder#apiKeyFromEnv()} reads. */
    public static final String API_KEY_ENV = "ANTHROPIC_API_KEY";

    /** The {@code anthropic-version} header sent unless the builder sets another. */
    public static final String DEFAULT_VERSION = "2023-06-01";

    /** The {@code max_tokens} sent when a request sets none (the Messages API requires one). */
    public static final int DEFAULT_MAX_TOKENS = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicChat.class);

    private final URI endpoint;
    private final String version;
    private final int defaultMaxTokens;
    private final List<String> betas;
    private final ObjectNode cacheControl;
    private final boolean extendedTtl;
    private final AtomicBoolean warnedResponseFormat = new AtomicBoolean();

    private AnthropicChat(Builder b) {
        super(b);
        this.endpoint = URI.create(baseUrl() + "/v1/messages");
        this.version = b.version;
        this.defaultMaxTokens = b.defaultMaxTokens;
        this.betas = List.copyOf(b.betas);
        this.cacheControl = b.promptCaching ? AnthropicPromptCache.cacheControl(b.promptCacheTtl) : null;
        this.extendedTtl = b.promptCaching && b.promptCacheTtl.equals(Duration.ofHours(1));
    }

    /** {@return true if requests carry prompt-cache breakpoints (see {@link Builder#promptCaching})} */
    public boolean promptCaching() {
        return cacheControl != null;
    }

    /** {@return a new builder (base URL {@value #DEFAULT_BASE_URL}, no API key)} */
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
        String unsent = AnthropicStructuredOutputs.unsentReason(request.params(), supportsStructuredOutputs());
        if (unsent != null && warnedResponseFormat.compareAndSet(false, true)) {
            // said once, so the loss is never silent: the adapter's prompt still asks for JSON
            LOG.warn(
                    "{}: response_format is not sent to {} ({}); the prompt's own instructions ask for the format"
                            + " instead (structured outputs need a JSON-schema response_format without recursion and a model"
                            + " that has them, Claude 4.5 or later, or structuredOutputs(true) on the builder)",
                    providerName(),
                    model(),
                    unsent);
        }
    }

    /** {@code anthropic-beta}: the builder's betas and those the request needs (the Files API for a file id). */
    @Override
    protected void requestHeaders(HttpRequest.Builder builder, LmRequest request) {
        Set<String> all = betasFor(request);
        if (!all.isEmpty()) builder.header("anthropic-beta", String.join(",", all));
    }

    /** The builder's betas and those {@code request} needs, in order. */
    Set<String> betasFor(LmRequest request) {
        Set<String> all = new LinkedHashSet<>(betas);
        all.addAll(AnthropicCodec.betas(request));
        if (uploadsOn() && sendsUploads(request)) all.add(AnthropicCodec.FILES_API_BETA);
        if (extendedTtl && !AnthropicPromptCache.breakpoints(request.prompt()).isEmpty()) {
            all.add(AnthropicPromptCache.EXTENDED_TTL_BETA);
        }
        return all;
    }

    /**
     * Anthropic Message Batches ({@code /v1/messages/batches}) sending with this client's key, headers
     * and codec: see {@link AnthropicMessageBatches}.
     */
    @Override
    public BatchClient batchClient() {
        return new AnthropicMessageBatches(this);
    }

    /** True if some payload of the request goes by its uploaded file id. */
    private boolean sendsUploads(LmRequest request) {
        for (Message m : request.prompt().messages()) {
            for (Part p : m.parts()) {
                Payload payload = p.media() == null ? null : p.media().payload();
                if (payload != null && inlineReason(p, payload) == null && uploadedId(payload) != null) return true;
            }
        }
        return false;
    }

    /** Anthropic's Files API of this client's account (beta {@code files-api-2025-04-14}) when uploads are on. */
    @Override
    protected FilesApi filesApi() {
        return AnthropicFiles.of(this);
    }

    /** Images (PNG, JPEG, GIF, WebP) go in image blocks by file id, PDFs and plain text in document blocks. */
    @Override
    protected String inlineReason(Part part, Payload payload) {
        MediaType t = payload.mediaType();
        return ProviderMedia.isAcceptedImage(t) || t.equals(MediaType.PDF) || t.equals(MediaType.TEXT) ? null : "";
    }

    @Override
    protected void writeBody(JsonBody body, LmRequest request) throws IOException {
        AnthropicCodec.write(
                body,
                model(),
                request,
                defaultMaxTokens,
                supportsStructuredOutputs(),
                false,
                cacheControl,
                this::uploadedId);
    }

    /**
     * True for models with structured outputs (Claude Opus, Sonnet and Haiku 4.5 and later, e.g.
     * {@code claude-sonnet-4-5}, {@code claude-opus-4-6}); the builder's {@code structuredOutputs}
     * overrides this.
     */
    @Override
    protected boolean defaultStructuredOutputs() {
        return AnthropicStructuredOutputs.supportedBy(model());
    }

    /** True: the Messages API takes native tools (translated from OpenAI's shape by the codec). */
    @Override
    protected boolean defaultNativeTools() {
        return true;
    }

    /** An Anthropic {@code stop_reason} of {@code pause_turn}: reported, not returned as a completion. */
    LmException pausedTurn(int textLength) {
        return new LmException(
                where() + " paused the turn (stop_reason pause_turn, " + textLength
                        + " characters of text so far): a long-running server tool needs the response sent back to continue,"
                        + " which this client does not do; retry the call or use fewer server tools",
                200,
                null,
                null);
    }

    @Override
    protected void writeStreamingBody(JsonBody body, LmRequest request) throws IOException {
        AnthropicCodec.write(
                body,
                model(),
                request,
                defaultMaxTokens,
                supportsStructuredOutputs(),
                true,
                cacheControl,
                this::uploadedId);
    }

    /** Messages stream ({@code "stream": true}); see {@link AnthropicStream}. */
    @Override
    protected StreamDecoder streamDecoder(LmRequest request) {
        return new AnthropicStream();
    }

    @Override
    protected LmResponse parseResponse(JsonNode body, LmRequest request) {
        return AnthropicResponses.parse(body, this);
    }

    MalformedResponseException malformed(String why) {
        return new MalformedResponseException(why);
    }

    /** False: the Messages API has no {@code n}, so {@code n > 1} makes one call per completion. */
    @Override
    protected boolean takesN() {
        return false;
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
        private final List<String> betas = new ArrayList<>();
        private boolean promptCaching = true;
        private Duration promptCacheTtl = Duration.ofMinutes(5);

        private Builder() {
            super(DEFAULT_BASE_URL);
        }

        /**
         * Whether requests mark Anthropic prompt-cache breakpoints (default on): after the demos and after
         * the history of a prompt an adapter made, so the next row reads the system prompt and demos (with
         * their images) from Anthropic's cache at a tenth of the input price instead of sending them to the
         * model again. A prompt without demos or history gets no breakpoint. Reads and writes show in
         * {@link Usage#cachedPromptTokens()} and {@link Usage#cacheWriteTokens()}.
         *
         * @param on false to send no {@code cache_control}
         * @return this builder
         */
        public Builder promptCaching(boolean on) {
            this.promptCaching = on;
            return this;
        }

        /**
         * How long Anthropic keeps a cached prefix after its last use: 5 minutes (the default) or 1 hour
         * (writes cost more: see Anthropic's pricing), sent as {@code cache_control.ttl} {@code "1h"}
         * (with the beta header that lifetime needs).
         *
         * @param ttl {@code Duration.ofMinutes(5)} or {@code Duration.ofHours(1)}
         * @return this builder
         * @throws IllegalArgumentException for any other duration, or null
         */
        public Builder promptCacheTtl(Duration ttl) {
            if (ttl == null || !AnthropicPromptCache.TTLS.contains(ttl)) {
                throw new IllegalArgumentException(
                        "promptCacheTtl must be 5 minutes or 1 hour (Anthropic's cache lifetimes), not " + ttl);
            }
            this.promptCacheTtl = ttl;
            return this;
        }

        /**
         * Takes the API key from the environment variable {@value AnthropicChat#API_KEY_ENV}, read now. If it
         * is unset or blank, {@link #build()} fails unless the base URL is on loopback (a local server needs no key).
         *
         * @return this builder
         */
        public Builder apiKeyFromEnv() {
            return apiKeyFromEnv(API_KEY_ENV);
        }

        /**
         * Sets the {@code anthropic-version} header (default {@value AnthropicChat#DEFAULT_VERSION}).
         *
         * @param v the API version date, e.g. {@code 2023-06-01}
         * @return this builder
         * @throws IllegalArgumentException if {@code v} is null or blank
         */
        public Builder anthropicVersion(String v) {
            if (v == null || v.isBlank()) throw new IllegalArgumentException("anthropicVersion must not be blank");
            this.version = v;
            return this;
        }

        /**
         * Adds a beta feature sent in the {@code anthropic-beta} header of every request (betas a request
         * needs, such as the Files API's, are added by the client itself).
         *
         * @param feature one beta name, e.g. {@code context-1m-2025-08-07}; leading and trailing blanks are dropped
         * @return this builder
         * @throws IllegalArgumentException if it is null, blank or holds a comma
         */
        public Builder beta(String feature) {
            if (feature == null || feature.isBlank() || feature.contains(",")) {
                throw new IllegalArgumentException(
                        "a beta feature is one non-blank name without commas, not '" + feature + "'");
            }
            betas.add(feature.strip());
            return this;
        }

        /**
         * Sets the {@code max_tokens} sent when a request sets neither {@code max_tokens} nor
         * {@code max_completion_tokens} (default {@value AnthropicChat#DEFAULT_MAX_TOKENS}).
         *
         * @param tokens at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code tokens} is less than 1
         */
        public Builder defaultMaxTokens(int tokens) {
            if (tokens < 1) throw new IllegalArgumentException("defaultMaxTokens must be at least 1, not " + tokens);
            this.defaultMaxTokens = tokens;
            return this;
        }

        /**
         * {@return a new client}
         *
         * @throws IllegalStateException if no model was set, or {@link #apiKeyFromEnv()} found no key and the
         *     base URL is not on loopback
         */
        public AnthropicChat build() {
            if (model() == null) throw new IllegalStateException("AnthropicChat needs a model: call model(\"...\")");
            return new AnthropicChat(this);
        }
    }
}
