package dev.dspy4j.lm.openai;

import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.upload.FilesApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import org.slf4j.LoggerFactory;

/**
 * What the clients of OpenAI's model APIs share ({@link OpenAiChat}, {@link OpenAiResponses}): the
 * endpoint under the base URL, the key as {@code Authorization: Bearer}, OpenAI's Files API for
 * uploads, the reasoning-model rule (parameters such a model does not take are warned of once, in the
 * client's own log), and JSON-schema outputs and native tools on by default for api.openai.com only.
 * Package-private: the two clients are the public face. {@link AzureOpenAiChat} is not one (its key
 * header, URL and defaults differ); it shares {@link OpenAiBuilder} and the codec only.
 */
abstract class OpenAiHttpModel extends HttpLanguageModel {

    private final URI endpoint;
    private final boolean reasoning;
    private final ReasoningWarnings warnings;

    /**
     * @param b the client's builder
     * @param path the endpoint under the base URL, e.g. {@code /chat/completions}
     */
    OpenAiHttpModel(OpenAiBuilder<?> b, String path) {
        super(b);
        this.endpoint = URI.create(baseUrl() + path);
        this.reasoning = OpenAiCodec.isReasoningModel(model());
        this.warnings = new ReasoningWarnings(LoggerFactory.getLogger(getClass()));
    }

    /**
     * {@return true for a reasoning model: the o-series and the gpt-5 family except its {@code -chat}
     * models, also behind a {@code provider/} prefix or fine-tuned; see {@link OpenAiChat}}
     */
    public boolean isReasoningModel() {
        return reasoning;
    }

    /**
     * Writes the request body in the client's API shape, uploaded payloads by file id.
     *
     * @param body the JSON body being streamed
     * @param request the request to write
     * @param stream true for a streamed call (the API's stream flag is written)
     * @throws IOException if writing fails
     */
    abstract void write(JsonBody body, LmRequest request, boolean stream) throws IOException;

    @Override
    protected final void writeBody(JsonBody body, LmRequest request) throws IOException {
        write(body, request, false);
    }

    @Override
    protected final void writeStreamingBody(JsonBody body, LmRequest request) throws IOException {
        write(body, request, true);
    }

    /**
     * Warns once per client and parameter about a {@code temperature} or {@code top_p} a reasoning model
     * does not take (the codec leaves it out). A client checks its media first, then calls this.
     */
    @Override
    protected void checkRequest(LmRequest request) {
        if (reasoning) warnings.check(request, providerName(), model());
    }

    @Override
    protected final URI endpoint() {
        return endpoint;
    }

    @Override
    protected final void authenticate(HttpRequest.Builder request, String apiKey) {
        bearer(request, apiKey);
    }

    /**
     * Adds {@code Authorization: Bearer <key>}, the header every OpenAI API takes the key in.
     *
     * @param request the request being built
     * @param apiKey the key, or null: then no header
     */
    static void bearer(HttpRequest.Builder request, String apiKey) {
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
    }

    /**
     * OpenAI's Files API of this client's account: what {@link #inlineReason} sends by file id is
     * uploaded there (purpose {@code user_data}) when uploads are on.
     */
    @Override
    protected final FilesApi filesApi() {
        return OpenAiFiles.of(this);
    }

    /** True for api.openai.com (which takes JSON-schema output formats); false for other servers unless set. */
    @Override
    protected final boolean defaultStructuredOutputs() {
        return isOpenAi();
    }

    /** True for api.openai.com; false for other servers unless set. */
    @Override
    protected final boolean defaultNativeTools() {
        return isOpenAi();
    }

    private boolean isOpenAi() {
        return "api.openai.com".equalsIgnoreCase(baseUrl().getHost());
    }
}
