package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.batch.BatchClient;
import dev.dspy4j.lm.batch.Batchable;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.http.StreamDecoder;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Part;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * A client for the OpenAI Responses API ({@code POST {baseUrl}/responses}), the endpoint OpenAI
 * recommends for new work and the one that takes images as well as PDFs by file id.
 *
 * <pre>{@code
 * var lm = OpenAiResponses.builder().model("gpt-5-mini").apiKeyFromEnv().reasoningEffort("low").build();
 * }</pre>
 *
 * <p>Built like {@link OpenAiChat}: the same builder settings (base URL, key, headers, timeouts, retries
 * with {@code Retry-After}, rate limit, response cache, response size limit), typed errors, and a body
 * streamed from the payloads (base64 is encoded while the body is written). System messages become
 * {@code instructions}; other messages the {@code input} list, with parts {@code input_text},
 * {@code input_image} and {@code input_file}; parameters keep the library's chat-completions names and
 * are mapped ({@code max_tokens} → {@code max_output_tokens}, {@code response_format} →
 * {@code text.format}, {@code reasoning_effort} → {@code reasoning.effort}, function tools flattened):
 * see {@code OpenAiResponsesCodec}. Audio and video are refused before sending; so are chat-only
 * parameters ({@code stop}, {@code seed}, penalties). The endpoint returns one answer per call, so
 * {@code n > 1} makes {@code n} calls and sums their usage (streaming the first, when streamed). For a reasoning model (see
 * {@link OpenAiChat}) a {@code temperature} or {@code top_p} other than 1 is dropped with a warning
 * logged once per client and parameter.
 *
 * <p>Responses: the text of the {@code output_text} parts; a {@code refusal} part sets
 * {@link dev.dspy4j.lm.Completion#refusal()}; {@code status: incomplete} for {@code max_output_tokens} gives finish
 * reason {@code length}, for {@code content_filter} a {@link dev.dspy4j.lm.ContentBlockedException};
 * usage keeps {@code input_tokens_details.cached_tokens} (OpenAI's automatic prompt cache) and
 * {@code output_tokens_details.reasoning_tokens}. With a stream listener the answer is streamed
 * (server-sent events; see {@code OpenAiResponsesStream}).
 *
 * <p>Requests are sent with {@code "store"} as the caller gives it (OpenAI's default stores
 * responses for 30 days; pass {@code param("store", false)} to opt out). Thread-safe.
 */
public final class OpenAiResponses extends OpenAiHttpModel implements Batchable {

    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = OpenAiChat.DEFAULT_BASE_URL;
    /** The environment variable {@link Builder#apiKeyFromEnv()} reads. */
    public static final String API_KEY_ENV = OpenAiChat.API_KEY_ENV;
    /** The reasoning efforts {@link Builder#reasoningEffort} takes. */
    public static final List<String> REASONING_EFFORTS = List.of("none", "minimal", "low", "medium", "high", "xhigh");

    private OpenAiResponses(Builder b) {
        super(b, "/responses");
    }

    /** {@return a new builder (base URL {@value #DEFAULT_BASE_URL}, no API key)} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected String providerName() {
        return "OpenAI responses";
    }

    /** Refuses what the Responses API cannot take; warns once about parameters a reasoning model does not take. */
    @Override
    protected void checkRequest(LmRequest request) {
        OpenAiResponsesCodec.check(request);
        super.checkRequest(request);
    }

    @Override
    void write(JsonBody body, LmRequest request, boolean stream) throws IOException {
        OpenAiResponsesCodec.write(body, model(), request, stream, this::uploadedId);
    }

    /** Images go as {@code input_image.file_id} and PDFs as {@code input_file.file_id}; text stays text. */
    @Override
    protected String inlineReason(Part part, Payload payload) {
        MediaType t = payload.mediaType();
        return t.isImage() || t.equals(MediaType.PDF) ? null : "";
    }

    @Override
    protected StreamDecoder streamDecoder(LmRequest request) {
        return new OpenAiResponsesStream();
    }

    @Override
    protected LmResponse parseResponse(JsonNode body, LmRequest request) {
        return OpenAiResponsesReader.parse(body, where(), MalformedResponseException::new);
    }

    /**
     * The OpenAI Batch API (half the price, results within 24 hours) with endpoint {@code /v1/responses},
     * sending with this client's key, headers and codec: see {@link OpenAiBatches}.
     */
    @Override
    public BatchClient batchClient() {
        return new OpenAiBatches(this, "/v1/responses", this::writeBody, this::parseResponse);
    }

    /** False: the Responses API has no {@code n}, so {@code n > 1} makes one call per completion. */
    @Override
    protected boolean takesN() {
        return false;
    }

    /** Builds an {@link OpenAiResponses}; {@link #model(String)} is required. */
    public static final class Builder extends OpenAiBuilder<Builder> {
        private Builder() {
            super(DEFAULT_BASE_URL, API_KEY_ENV);
        }

        /**
         * Sets a default {@code max_output_tokens} (reasoning tokens included).
         *
         * @param tokens at least 1
         * @return this builder
         */
        public Builder maxOutputTokens(int tokens) {
            if (tokens < 1) throw new IllegalArgumentException("maxOutputTokens must be at least 1, not " + tokens);
            return param("max_output_tokens", tokens);
        }

        /**
         * A default {@code reasoning.effort} for reasoning models: one of {@link #REASONING_EFFORTS}
         * (which a model takes varies: see OpenAI's model pages).
         *
         * @param effort one of {@link #REASONING_EFFORTS}, in any case
         * @return this builder
         */
        public Builder reasoningEffort(String effort) {
            String e = effort == null ? null : effort.strip().toLowerCase(Locale.ROOT);
            if (e == null || !REASONING_EFFORTS.contains(e)) {
                throw new IllegalArgumentException("reasoningEffort must be one of "
                        + String.join(", ", REASONING_EFFORTS) + ", not '" + effort + "'");
            }
            return param("reasoning_effort", e);
        }

        /**
         * {@return the client}
         *
         * @throws IllegalStateException without a model, or when {@link #apiKeyFromEnv()} found no key and the
         *     base URL is not on loopback
         */
        public OpenAiResponses build() {
            if (model() == null) throw new IllegalStateException("OpenAiResponses needs a model: call model(\"...\")");
            return new OpenAiResponses(this);
        }
    }
}
