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

/**
 * A client for OpenAI-compatible chat completions ({@code POST {baseUrl}/chat/completions}): OpenAI
 * itself, and servers that speak its protocol (vLLM, Ollama, LM Studio, llama.cpp).
 *
 * <pre>{@code
 * var lm = OpenAiChat.builder().model("gpt-4o-mini").apiKeyFromEnv().build();
 * var local = OpenAiChat.builder().baseUrl("http://127.0.0.1:8000/v1").model("qwen2.5-vl").build();
 * }</pre>
 *
 * <p>Request parameters ({@link LmRequest#params()} and the builder's defaults) are written as
 * top-level JSON fields as given: {@code temperature}, {@code max_tokens},
 * {@code max_completion_tokens}, {@code stop}, {@code seed}, {@code response_format}, {@code tools},
 * ...; {@code n} comes from {@link LmRequest#n()} when it is above 1. The body is streamed: each
 * payload's base64 is encoded from its bytes while it is sent.
 *
 * <p>Wire shapes: a message that is a single text part has a plain string {@code content}; other
 * messages have a list of parts: text {@code {"type":"text","text":...}}; image
 * {@code {"type":"image_url","image_url":{"url":"data:<type>;base64,..."[,"detail":...]}}} (or the
 * remote URL as given); audio {@code {"type":"input_audio","input_audio":{"data":"<base64>","format":"wav|mp3"}}};
 * file {@code {"type":"file","file":{"filename":...,"file_data":"data:<type>;base64,..."}}} or
 * {@code {"type":"file","file":{"file_id":...}}}. A {@code Document} is sent as a file part when it
 * is a PDF (file name: its title plus {@code .pdf}, else {@code document.pdf}) and as a text part when
 * it is plain text ({@code "Document: <title>"} and its context on lines before the text, when set);
 * chat completions have no document part and no citations, so the citations flag is not sent.
 *
 * <p>Reasoning models (the o-series such as {@code o1}, {@code o3-mini}, {@code o4-mini}, and the
 * gpt-5 family except its {@code -chat} models, also behind a {@code provider/} prefix or fine-tuned as
 * {@code ft:<base>:...}): {@code max_tokens} is sent as
 * {@code max_completion_tokens} (a request's own {@code max_completion_tokens} wins), and a
 * {@code temperature} or {@code top_p} other than 1 is <em>dropped with a warning</em> logged once per
 * client and parameter (not refused, so optimizers that vary the temperature still run). The cache
 * key keeps the parameters as given.
 *
 * <p>Checked before sending, with an error naming the value and what is accepted: images are PNG,
 * JPEG, GIF or WebP; an image's detail is {@code auto}, {@code low} or {@code high}; audio is WAV or
 * MP3; a {@code File} is a PDF, an image or text; a file id given with its type is a PDF's.
 *
 * <p>Responses: a choice's {@code refusal} is kept on the {@link dev.dspy4j.lm.Completion}; usage keeps
 * {@code prompt_tokens_details.cached_tokens} and {@code completion_tokens_details.reasoning_tokens}.
 *
 * <p>Without an API key no {@code Authorization} header is sent. Thread-safe.
 */
public final class OpenAiChat extends OpenAiHttpModel implements Batchable {

    /** The default base URL. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    /** The environment variable {@link Builder#apiKeyFromEnv()} reads. */
    public static final String API_KEY_ENV = "OPENAI_API_KEY";

    private OpenAiChat(Builder b) {
        super(b, "/chat/completions");
    }

    /** {@return a new builder (base URL {@value #DEFAULT_BASE_URL}, no API key)} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected String providerName() {
        return "OpenAI-compatible chat completions";
    }

    /** Refuses media chat completions cannot take; warns once about parameters a reasoning model does not take. */
    @Override
    protected void checkRequest(LmRequest request) {
        OpenAiCodec.check(request);
        super.checkRequest(request);
    }

    @Override
    void write(JsonBody body, LmRequest request, boolean stream) throws IOException {
        OpenAiCodec.write(body, model(), request, stream, this::uploadedId);
    }

    /**
     * Chat completions take a file id for a PDF only (a {@code file} part): images and audio go inline,
     * said once; text files and documents are text parts.
     */
    @Override
    protected String inlineReason(Part part, Payload payload) {
        MediaType t = payload.mediaType();
        if (t.equals(MediaType.PDF)) return null;
        if (t.isImage()) {
            return "OpenAI chat completions take images inline only (file ids are for PDFs), so images are sent inline;"
                    + " OpenAiResponses (--lm openai-responses/MODEL) sends them by file id";
        }
        if (t.isAudio()) return "OpenAI chat completions take audio inline only, so audio is sent inline";
        return "";
    }

    /** Chat completions stream ({@code "stream": true}); see {@link OpenAiStream}. */
    @Override
    protected StreamDecoder streamDecoder(LmRequest request) {
        return new OpenAiStream();
    }

    @Override
    protected LmResponse parseResponse(JsonNode body, LmRequest request) {
        return OpenAiCodec.parse(body, MalformedResponseException::new);
    }

    /**
     * The OpenAI Batch API ({@code /batches}, input uploaded through {@link OpenAiFiles}) sending with
     * this client's key, headers and codec: see {@link OpenAiBatches}.
     */
    @Override
    public BatchClient batchClient() {
        return new OpenAiBatches(this, "/v1/chat/completions", this::writeBody, this::parseResponse);
    }

    /** Builds an {@link OpenAiChat}; {@link #model(String)} is required. */
    public static final class Builder extends OpenAiBuilder<Builder> {
        private Builder() {
            super(DEFAULT_BASE_URL, API_KEY_ENV);
        }

        /**
         * Sets a default {@code max_completion_tokens} (what reasoning models take instead of {@code max_tokens}).
         *
         * @param tokens at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code tokens} is less than 1
         */
        public Builder maxCompletionTokens(int tokens) {
            if (tokens < 1) throw new IllegalArgumentException("maxCompletionTokens must be at least 1, not " + tokens);
            return param("max_completion_tokens", tokens);
        }

        /**
         * {@return the client}
         *
         * @throws IllegalStateException without a model, or when {@link #apiKeyFromEnv()} found no key and the
         *     base URL is not on loopback
         */
        public OpenAiChat build() {
            if (model() == null) throw new IllegalStateException("OpenAiChat needs a model: call model(\"...\")");
            return new OpenAiChat(this);
        }
    }
}
