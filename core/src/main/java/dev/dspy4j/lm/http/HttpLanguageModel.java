package dev.dspy4j.lm.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.RetryPolicy;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.lm.UnsupportedInputException;
import dev.dspy4j.lm.upload.FilesApi;
import dev.dspy4j.lm.upload.UploadRegistry;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Part;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Set;

/**
 * The shared transport of the provider clients: one JSON POST per attempt on {@code java.net.http},
 * the body streamed by the provider's codec ({@link StreamingBody}), retries with backoff and
 * {@code Retry-After}, a per-request timeout, and typed errors. Subclasses supply the endpoint, the
 * authentication headers, the codec and the response parser.
 *
 * <p>The API key is used only to build request headers. It is not part of the cache key, and never
 * appears in {@link #toString()}, exceptions, logs or history; if a provider echoes it in an error
 * message, it is replaced by {@code ***}.
 *
 * <p>Beside this class: {@code HttpBuilderBase} (the builder's options), {@code Sender} (request check,
 * uploads, one exchange per completion where the API has no {@code n}), {@code Retries},
 * {@code HttpAttempt} (one attempt), {@code ResponseReader} (bodies and typed errors), {@code Redactor}.
 * What stays here is what a provider subclass sees: its hooks and the settings.
 */
public abstract class HttpLanguageModel extends AbstractLanguageModel {

    /** The default of {@link Builder#maxResponseBytes}: 32 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

    /** The JSON mapper the codecs and parsers share (default settings; thread-safe). */
    protected static final ObjectMapper JSON = new ObjectMapper();

    private final HttpBuilderBase.Settings settings;
    private final Sender sender;

    /**
     * @param b the provider's builder, whose settings are copied
     * @throws IllegalStateException if {@code apiKeyFromEnv} found no key for a base URL off loopback
     */
    protected HttpLanguageModel(Builder<?> b) {
        super(b);
        this.settings = b.settings();
        this.sender = new Sender(this, settings);
    }

    /** The HTTP version requests use (always HTTP/1.1; see {@code Sender}). */
    final HttpClient.Version httpVersion() {
        return sender.httpVersion();
    }

    /** {@return a short provider name for messages, e.g. {@code OpenAI-compatible chat completions}} */
    protected abstract String providerName();

    /** {@return the URL requests are posted to} */
    protected abstract URI endpoint();

    /**
     * Adds the provider's authentication and version headers.
     *
     * @param request the request being built
     * @param apiKey the key, or null if none is set: then no authentication header is added
     */
    protected abstract void authenticate(HttpRequest.Builder request, String apiKey);

    /**
     * Adds this client's extra headers and its authentication to a side request (an upload, a status
     * poll), so the key is used there without being exposed.
     *
     * @param request the side request being built
     */
    protected final void addAuthentication(HttpRequest.Builder request) {
        settings.headers().forEach(request::header);
        authenticate(request, settings.apiKey());
    }

    /**
     * Writes the request body: once to count its length, then once per attempt on a body-writer thread,
     * so it must write the same bytes every time.
     *
     * @param body the JSON body being streamed
     * @param request the request to write
     * @throws IOException if writing fails (the attempt fails)
     */
    protected abstract void writeBody(JsonBody body, LmRequest request) throws IOException;

    /**
     * {@return the completions and usage of a successful (2xx) response}
     *
     * @param body the response, a JSON object
     * @param request the request it answers
     * @throws MalformedResponseException for a body that is not what the provider's API returns
     */
    protected abstract LmResponse parseResponse(JsonNode body, LmRequest request);

    /** {@return this account's Files API for uploads, or null (the default): none} Called once, when first needed. */
    protected FilesApi filesApi() {
        return null;
    }

    /**
     * {@return null if the provider takes this payload by file id when uploads are on (the codec writes
     * {@link #uploadedId}); "" to send it inline without a word (the default); else why it goes inline,
     * logged once per client}
     *
     * @param part the prompt part holding the payload
     * @param payload its payload
     */
    protected String inlineReason(Part part, Payload payload) {
        return "";
    }

    /** {@return true if this client uploads payloads and refers to them by id ({@link Builder#uploads})} */
    public final boolean uploadsOn() {
        return sender.uploads() != null;
    }

    /**
     * Uploads the payloads this client sends by file id, as a call does before it sends (nothing when
     * uploads are off), so that a body written for another route (a provider batch) refers to them by id.
     *
     * @param request the request whose payloads to upload
     * @throws LmException if an upload fails
     */
    public final void uploadPayloads(LmRequest request) {
        if (sender.uploads() != null) sender.uploads().prepare(request);
    }

    /** {@return the registry of this client's uploads, or null if uploads are off} */
    public final UploadRegistry uploadRegistry() {
        return sender.uploads() == null ? null : sender.uploads().registry();
    }

    /**
     * {@return the file id a codec writes instead of the payload's bytes, or null to write it inline}
     * An id when uploads are on and {@link #inlineReason} is null for it; the same for every write of
     * one attempt's body (the counting pass and the send).
     *
     * @param payload a payload of the request being written
     */
    protected final String uploadedId(Payload payload) {
        return sender.uploads() == null ? null : sender.uploads().idOf(payload);
    }

    /**
     * Checks a request before anything is sent; the default takes every request.
     *
     * @param request the request
     * @throws IllegalArgumentException naming the value and what is accepted, for a request the provider
     *     cannot take; callers see an {@link UnsupportedInputException}
     */
    protected void checkRequest(LmRequest request) {}

    /**
     * Checks a request as a call does before sending, for routes other than a call (a provider batch).
     *
     * @param request the request
     * @throws UnsupportedInputException for a request the provider cannot take
     */
    public final void checkInput(LmRequest request) {
        sender.check(request);
    }

    /**
     * Adds headers that depend on the request (e.g. a beta feature it uses); none by default.
     *
     * @param builder the request being built
     * @param request the call it sends
     */
    protected void requestHeaders(HttpRequest.Builder builder, LmRequest request) {}

    /**
     * {@return the provider's message and code from an error body, either null where absent} The default
     * reads {@code {"error":{"message":...,"code":...,"type":...}}} (code falling back to type), a string
     * {@code error}, or a top-level {@code message} or {@code detail}.
     *
     * @param body the error response, a JSON object
     */
    protected ProviderError parseError(JsonNode body) {
        return ResponseReader.openAiStyleError(body);
    }

    /**
     * {@return a provider-specific exception for an error body (e.g. Azure's content filter), or null
     * (the default) for the typed error the status gives}
     *
     * @param status the HTTP status
     * @param body the error response, a JSON object
     * @param message the client's message for the failure, redacted
     * @param providerMessage the provider's own message, redacted, or null
     */
    protected LmException errorFromBody(int status, JsonNode body, String message, String providerMessage) {
        return null;
    }

    /**
     * The provider's error message and code, as {@link #parseError} reads them.
     *
     * @param message the provider's message, or null
     * @param code its error code or type (e.g. {@code context_length_exceeded}), or null
     */
    public record ProviderError(String message, String code) {}

    /** A 2xx response whose body is not what the provider's API returns. Not retried. */
    protected static final class MalformedResponseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param message what was expected and what came, naming the provider ({@link HttpLanguageModel#where()}) */
        public MalformedResponseException(String message) {
            super(message);
        }
    }

    /** {@return the base URL, without a trailing {@code /}} */
    public final URI baseUrl() {
        return settings.baseUrl();
    }

    /** {@return the time one attempt may take as a whole (connect, send, response)} */
    public final Duration timeout() {
        return settings.timeout();
    }

    /** {@return when and how often a failed attempt is repeated} */
    public final RetryPolicy retryPolicy() {
        return settings.retryPolicy();
    }

    /** {@return the largest response body read, in bytes (counted after gzip decoding too)} */
    public final long maxResponseBytes() {
        return settings.maxResponseBytes();
    }

    /** {@return the names of the extra headers sent with every request (not their values: credentials)} */
    public final Set<String> headerNames() {
        return settings.headers().keySet();
    }

    /** {@return true if an API key is set} The key itself is not readable. */
    public final boolean hasApiKey() {
        return settings.apiKey() != null;
    }

    /** {@return the builder's {@code structuredOutputs} setting, else {@link #defaultStructuredOutputs()}} */
    @Override
    public boolean supportsStructuredOutputs() {
        return settings.structuredOutputs() != null ? settings.structuredOutputs() : defaultStructuredOutputs();
    }

    /** {@return the builder's {@code nativeTools} setting, else {@link #defaultNativeTools()}} */
    @Override
    public boolean supportsNativeTools() {
        return settings.nativeTools() != null ? settings.nativeTools() : defaultNativeTools();
    }

    /** {@return the provider's answer when the builder did not set {@code structuredOutputs}; false here} */
    protected boolean defaultStructuredOutputs() {
        return false;
    }

    /** {@return the provider's answer when the builder did not set {@code nativeTools}; false here} */
    protected boolean defaultNativeTools() {
        return false;
    }

    /** {@return the class, model, base URL, timeout and attempts; never the API key} */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[model=" + model() + ", baseUrl="
                + Redactor.withoutQuery(settings.baseUrl()) + ", apiKey=" + (hasApiKey() ? "***" : "none")
                + ", timeout=" + settings.timeout() + ", maxAttempts="
                + settings.retryPolicy().maxAttempts() + "]";
    }

    /** One exchange; for {@code n > 1} on an API without {@code n} ({@link #takesN()} false), one per completion. */
    @Override
    protected LmResponse send(LmRequest request) {
        return sender.send(request, null);
    }

    /**
     * Streams the answer (server-sent events) when the provider has a {@link #streamDecoder}, passing the
     * first completion's text to {@code stream} as it arrives; else sends without streaming. A failure
     * before any text arrived is retried; one after is thrown (the text cannot be taken back). Without
     * {@code n}, a request for {@code n > 1} streams its first completion and sends the others plainly.
     */
    @Override
    protected LmResponse sendStreaming(LmRequest request, TextStream stream) {
        return streamDecoder(request) == null ? send(request) : sender.send(request, stream);
    }

    /**
     * {@return true (the default) if one call returns {@code n} completions (OpenAI chat's {@code n});
     * false for one answer per call (Anthropic, OpenAI responses): {@code n > 1} makes {@code n} calls}
     */
    protected boolean takesN() {
        return true;
    }

    /**
     * {@return a new decoder of this provider's streamed answer, or null (the default): no streaming}
     *
     * @param request the call to stream
     */
    protected StreamDecoder streamDecoder(LmRequest request) {
        return null;
    }

    /** {@return the URL streamed requests are posted to} By default {@link #endpoint()}; Gemini streams at another. */
    protected URI streamingEndpoint() {
        return endpoint();
    }

    /**
     * Writes the body of a streamed request: {@link #writeBody} plus the provider's stream flags.
     *
     * @param body the JSON body being streamed
     * @param request the request to write
     * @throws IOException if writing fails (the attempt fails)
     */
    protected void writeStreamingBody(JsonBody body, LmRequest request) throws IOException {
        writeBody(body, request);
    }

    /**
     * {@return true if an error says the prompt does not fit the context window} The call then fails with
     * {@link dev.dspy4j.lm.ContextWindowExceededException}. The default knows OpenAI's code
     * {@code context_length_exceeded} and the phrases providers use ("prompt is too long", ...).
     *
     * @param code the provider's error code, or null
     * @param message the provider's message, or null
     */
    protected boolean isContextWindow(String code, String message) {
        return ResponseReader.saysContextWindow(code, message);
    }

    /** {@return the provider and endpoint without query, for messages: {@code OpenAI at http://host/v1/...}} */
    protected final String where() {
        return providerName() + " at " + Redactor.withoutQuery(endpoint());
    }

    /**
     * {@return the URL as text without a {@code user:password@} part (the password is a credential)}
     *
     * @param uri any URL; its query string is kept
     */
    public static String withoutUserInfo(URI uri) {
        return Redactor.withoutUserInfo(uri);
    }

    /**
     * {@return server-sent text (an echoed body, a message) with the API key, credential header values
     * and a base-URL password replaced by {@code ***}; null for null} A secret of 8 or more characters
     * is replaced wherever it occurs, a shorter one only as a whole token (key {@code k} is blanked in
     * {@code "Incorrect API key provided: k"}, not in {@code "unknown model"}).
     *
     * @param text the text, or null
     */
    protected final String redact(String text) {
        return settings.redactor().redact(text);
    }

    /**
     * {@return a value node's text or a container's JSON; null if missing, null or empty}
     *
     * @param n the node, or null
     */
    protected static String text(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return null;
        String s = n.isValueNode() ? n.asText() : n.toString();
        return s.isEmpty() ? null : s;
    }

    /**
     * The builder every HTTP provider's builder extends; its options are declared once, for all
     * providers, in the package's {@code HttpBuilderBase}.
     *
     * @param <B> the provider's builder, which each option returns
     */
    public abstract static class Builder<B extends Builder<B>> extends HttpBuilderBase<B> {
        /** @param defaultBaseUrl the provider's public base URL, e.g. {@code https://api.openai.com/v1} */
        protected Builder(String defaultBaseUrl) {
            super(defaultBaseUrl);
        }
    }
}
