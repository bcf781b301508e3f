package dev.dspy4j.lm.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseTooLargeException;
import dev.dspy4j.lm.RetryPolicy;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.lm.UnsupportedInputException;
import dev.dspy4j.lm.upload.FilesApi;
import dev.dspy4j.lm.upload.UploadRegistry;
import dev.dspy4j.lm.upload.Uploads;
import dev.dspy4j.media.Digest;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Part;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

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
 * <p>The parts of a call live beside this class: {@code HttpAttempt} builds and sends one attempt,
 * {@code Retries} repeats attempts under the {@link RetryPolicy}, {@code ResponseReader} turns a body
 * into a response or a typed error, {@code Redactor} keeps secrets out of messages. What stays here is
 * what a provider subclass sees: its hooks (including those for uploads), the settings and the
 * {@link Builder}, which is nested (about 250 of this file's lines) because every provider's builder
 * extends {@code HttpLanguageModel.Builder}.
 */
public abstract class HttpLanguageModel extends AbstractLanguageModel {

    /** The default of {@link Builder#maxResponseBytes}: 32 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

    /** The JSON mapper the codecs and parsers share. */
    protected static final ObjectMapper JSON = new ObjectMapper();

    private static final ExecutorService BODY_WRITERS = Executors.newCachedThreadPool(new DaemonThreads());

    private static final java.util.Set<String> RESTRICTED_HEADERS =
            java.util.Set.of("connection", "content-length", "expect", "host", "upgrade", "content-type");

    private final URI baseUrl;
    private final String apiKey;
    private final Redactor redactor;
    private final String apiKeySource;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final RetryPolicy retryPolicy;
    private final Boolean structuredOutputs;
    private final Boolean nativeTools;
    private final long maxResponseBytes;
    private final HttpClient http;
    private final Retries retries;
    private final ReferencedUploads uploads;

    protected HttpLanguageModel(Builder<?> b) {
        super(b);
        this.baseUrl = Objects.requireNonNull(b.baseUrl, "baseUrl");
        this.apiKey = b.apiKey;
        this.apiKeySource = b.apiKeySource;
        if (apiKey == null && b.apiKeyEnv != null && !isLoopback(baseUrl.getHost())) {
            // failing here beats three connection attempts to a provider that will refuse the call
            throw new IllegalStateException(b.apiKeyEnv + " is not set: apiKeyFromEnv() found no API key for "
                    + baseUrl + "; set " + b.apiKeyEnv + ", give apiKey(...), or use a baseUrl on loopback "
                    + "(127.0.0.1, localhost, ::1), which needs no key");
        }
        this.headers = Map.copyOf(b.headers);
        this.redactor = Redactor.of(apiKey, baseUrl, b.headers);
        this.timeout = b.timeout;
        this.retryPolicy = b.retryPolicy;
        this.structuredOutputs = b.structuredOutputs;
        this.nativeTools = b.nativeTools;
        this.maxResponseBytes = b.maxResponseBytes;
        UploadRegistry registry = b.uploadRegistry != null
                ? b.uploadRegistry
                : !b.uploads
                        ? null
                        : cache() instanceof UploadRegistry.Source source
                                ? source.uploadRegistry()
                                : Uploads.processRegistry();
        this.uploads = registry == null ? null : new ReferencedUploads(this, registry);
        // HTTP/1.1 always, also over TLS: request bodies stream from reused buffers (see
        // RecyclingBodyPublisher), which is safe only where the client consumes a buffer before it asks
        // for the next. HTTP/2 slices a buffer into DATA frames and marks it consumed while the frames
        // still wait for the flow-control window, so reusing it would corrupt the body.
        this.http = HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.retries = new Retries(
                this,
                new HttpAttempt(this, http, new ResponseReader(this)),
                b.bodyExecutor == null ? BODY_WRITERS : b.bodyExecutor,
                b.pipeBytes,
                b.retryListener);
    }

    /** The HTTP version requests use (always HTTP/1.1; see the constructor). */
    final HttpClient.Version httpVersion() {
        return http.version();
    }

    // ---- what a provider supplies ----

    /** A short provider name for messages, e.g. {@code OpenAI}. */
    protected abstract String providerName();

    /** The URL requests are posted to. */
    protected abstract URI endpoint();

    /** Adds the provider's authentication (if {@code apiKey} is non-null) and version headers. */
    protected abstract void authenticate(HttpRequest.Builder request, String apiKey);

    /**
     * Adds this client's extra headers and its authentication to a request the provider client makes
     * besides its calls (an upload, a status poll), so the key is used there without being exposed.
     */
    protected final void addAuthentication(HttpRequest.Builder request) {
        headers.forEach(request::header);
        authenticate(request, apiKey);
    }

    /** Writes the request body. Runs on a body-writer thread, once per attempt. */
    protected abstract void writeBody(JsonBody body, LmRequest request) throws IOException;

    /** Parses a successful response; throws {@link MalformedResponseException} for a body it cannot read. */
    protected abstract LmResponse parseResponse(JsonNode body, LmRequest request);

    // ---- uploads (Builder#uploads) ----

    /**
     * This account's Files API, through which payloads go when uploads are on; null (the default) if
     * the provider has none here. Called once, on the first payload to upload.
     */
    protected FilesApi filesApi() {
        return null;
    }

    /**
     * Why this payload part is sent inline although uploads are on: null if the provider takes it by
     * file id (the codec then writes {@link #uploadedId}), an empty string to send it inline without a
     * word (text sent as text), else the reason, logged once per client (e.g. that an endpoint takes
     * images inline only). Default: not by reference.
     */
    protected String inlineReason(Part part, Payload payload) {
        return "";
    }

    /** True if this client uploads payloads and refers to them by id ({@link Builder#uploads}). */
    public final boolean uploadsOn() {
        return uploads != null;
    }

    /**
     * Uploads the payloads of {@code request} that this client sends by file id (when uploads are on;
     * nothing otherwise), as a call does before it sends, so that a body written for another route (a
     * provider batch) refers to them by id too.
     */
    public final void uploadPayloads(LmRequest request) {
        if (uploads != null) uploads.prepare(request);
    }

    /** The registry of this client's uploads, or null if uploads are off. */
    public final UploadRegistry uploadRegistry() {
        return uploads == null ? null : uploads.registry();
    }

    /**
     * The file id a codec writes for this payload instead of its bytes, or null to write it inline:
     * the id of its usable upload when uploads are on and {@link #inlineReason} is null for it. The
     * same for every write of one attempt's body (the counting pass and the send).
     */
    protected final String uploadedId(Payload payload) {
        return uploads == null ? null : uploads.idOf(payload);
    }

    /** Checks a request before anything is sent; throws {@link IllegalArgumentException} for one the provider cannot take. */
    protected void checkRequest(LmRequest request) {}

    /** Adds headers that depend on the request (e.g. a beta feature it uses); none by default. */
    protected void requestHeaders(HttpRequest.Builder builder, LmRequest request) {}

    /**
     * The provider's message and error code from an error body (for OpenAI-style bodies
     * {@code {"error":{"message":...,"code":...,"type":...}}}); nulls where absent.
     */
    protected ProviderError parseError(JsonNode body) {
        JsonNode e = body.path("error");
        if (e.isTextual()) return new ProviderError(e.asText(), null);
        String message = text(e.path("message"));
        if (message == null) message = text(body.path("message"));
        if (message == null) message = text(body.path("detail"));
        String code = text(e.path("code"));
        if (code == null) code = text(e.path("type"));
        return new ProviderError(message, code);
    }

    /**
     * A provider-specific exception for an error body (e.g. Azure's content filter), or null for the
     * typed error its status gives. {@code message} and {@code providerMessage} are already redacted.
     */
    protected LmException errorFromBody(int status, JsonNode body, String message, String providerMessage) {
        return null;
    }

    /** The provider's error message and code (either may be null). */
    public record ProviderError(String message, String code) {}

    /** A 2xx response whose body is not what the provider's API returns. Not retried. */
    protected static final class MalformedResponseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedResponseException(String message) {
            super(message);
        }
    }

    // ---- settings ----

    /** The base URL. */
    public final URI baseUrl() {
        return baseUrl;
    }

    /** The per-request timeout (the whole exchange: connect, send, response). */
    public final Duration timeout() {
        return timeout;
    }

    public final RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The largest response body read, in bytes (after gzip decoding too). */
    public final long maxResponseBytes() {
        return maxResponseBytes;
    }

    /** The names of the extra headers sent with every request (values are not exposed: they may be credentials). */
    public final java.util.Set<String> headerNames() {
        return headers.keySet();
    }

    /** True for header names that carry credentials ({@code Authorization}, {@code api-key}, ...); their values are redacted. */
    static boolean isCredentialHeader(String name) {
        return Redactor.isCredentialHeader(name);
    }

    /** True if an API key is set (the key itself is not readable). */
    public final boolean hasApiKey() {
        return apiKey != null;
    }

    @Override
    public boolean supportsStructuredOutputs() {
        return structuredOutputs != null ? structuredOutputs : defaultStructuredOutputs();
    }

    @Override
    public boolean supportsNativeTools() {
        return nativeTools != null ? nativeTools : defaultNativeTools();
    }

    /** The provider's answer when the builder did not set {@code structuredOutputs}. */
    protected boolean defaultStructuredOutputs() {
        return false;
    }

    /** The provider's answer when the builder did not set {@code nativeTools}. */
    protected boolean defaultNativeTools() {
        return false;
    }

    /** Names the class, model and base URL; never the API key. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[model=" + model() + ", baseUrl=" + withoutQuery(baseUrl)
                + ", apiKey=" + (apiKey == null ? "none" : "***") + ", timeout=" + timeout
                + ", maxAttempts=" + retryPolicy.maxAttempts() + "]";
    }

    // ---- the exchange ----

    /** One exchange; for {@code n > 1} on an API without {@code n} ({@link #takesN()} false), one per completion. */
    @Override
    protected LmResponse send(LmRequest request) {
        return request.n() == 1 || takesN() ? exchange(request) : oneCallPerCompletion(request, null);
    }

    /**
     * Streams the answer (server-sent events) when the provider has a {@link #streamDecoder}, passing the
     * first completion's text to {@code stream} as it arrives; else sends without streaming. A failure
     * before any text arrived is retried as usual; one after is thrown, since the text cannot be taken back.
     * On an API without {@code n}, a request for {@code n > 1} streams its first completion and sends the
     * others plainly, one call each.
     */
    @Override
    protected LmResponse sendStreaming(LmRequest request, TextStream stream) {
        if (streamDecoder(request) == null) return send(request);
        return request.n() == 1 || takesN() ? exchange(request, stream) : oneCallPerCompletion(request, stream);
    }

    /**
     * True if the API returns {@code n} completions from one call (OpenAI chat's {@code n}, Gemini's
     * {@code candidateCount}); false for one answer per call (Anthropic messages, OpenAI responses), where
     * {@code n > 1} makes {@code n} calls, their usage summed.
     */
    protected boolean takesN() {
        return true;
    }

    private LmResponse oneCallPerCompletion(LmRequest request, TextStream stream) {
        LmRequest one = request.withN(1);
        java.util.List<dev.dspy4j.lm.Completion> completions = new java.util.ArrayList<>(request.n());
        dev.dspy4j.lm.Usage usage = dev.dspy4j.lm.Usage.ZERO;
        String model = null;
        for (int i = 0; i < request.n(); i++) {
            LmResponse r = i == 0 && stream != null ? exchange(one, stream) : exchange(one);
            completions.addAll(r.completions());
            usage = usage.plus(r.usage());
            model = r.model();
        }
        return new LmResponse(completions, usage, model, false);
    }

    /** The decoder of this provider's streamed answers (a new one per call), or null if it does not stream. */
    protected StreamDecoder streamDecoder(LmRequest request) {
        return null;
    }

    /** The URL streamed requests are posted to (default {@link #endpoint()}; Gemini streams at another). */
    protected URI streamingEndpoint() {
        return endpoint();
    }

    /** Writes the body of a streamed request: the usual body with the provider's stream flags. */
    protected void writeStreamingBody(JsonBody body, LmRequest request) throws IOException {
        writeBody(body, request);
    }

    /** Sends one request with retries and returns the parsed response. */
    protected final LmResponse exchange(LmRequest request) {
        return exchange(request, null);
    }

    private LmResponse exchange(LmRequest request, TextStream textStream) {
        try {
            checkRequest(request);
        } catch (IllegalArgumentException e) {
            // the provider's request rules refuse the input before sending: the caller's input error
            throw e instanceof UnsupportedInputException u ? u : new UnsupportedInputException(e.getMessage(), e);
        }
        if (uploads == null) return exchangeOnce(request, textStream);
        Map<Digest, String> used = uploads.prepare(request);
        try {
            return exchangeOnce(request, textStream);
        } catch (LmException e) {
            // an upload the provider no longer knows (expired, deleted): upload it again, retry once
            if (!uploads.forgetUnknown(e, used)) throw e;
            uploads.prepare(request);
            return exchangeOnce(request, textStream);
        }
    }

    private LmResponse exchangeOnce(LmRequest request, TextStream textStream) {
        return retries.run(request, textStream);
    }

    /** Why no key was sent, appended to a 401 or 403 message; empty if a key was sent. */
    final String missingKeyHint() {
        return apiKey != null
                ? ""
                : apiKeySource != null
                        ? " (no API key was sent: " + apiKeySource + " is not set)"
                        : " (no API key was sent)";
    }

    /** True if the error says the prompt does not fit the model's context window. */
    protected boolean isContextWindow(String code, String message) {
        if ("context_length_exceeded".equals(code)) return true;
        if (message == null) return false;
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("context length")
                || m.contains("context_length")
                || m.contains("context window")
                || m.contains("maximum context")
                || m.contains("prompt is too long")
                || m.contains("input is too long")
                || m.contains("too many tokens")
                || m.contains("exceeds the context");
    }

    /** "OpenAI at http://host/v1/chat/completions", without any query string. */
    protected final String where() {
        return providerName() + " at " + withoutQuery(endpoint());
    }

    private static String withoutQuery(URI uri) {
        return Redactor.withoutQuery(uri);
    }

    /** The URL without a {@code user:password@} part; the password is a credential. */
    public static String withoutUserInfo(URI uri) {
        return Redactor.withoutUserInfo(uri);
    }

    /** True for a host on this machine: {@code localhost}, 127.0.0.0/8 or {@code ::1}. */
    static boolean isLoopback(String host) {
        if (host == null) return false;
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost")
                || h.matches("127(\\.\\d{1,3}){3}")
                || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    /** {@code cannot resolve host H} when a connection failed because the name did not resolve, else null. */
    static String unresolvedHost(Throwable cause, String host) {
        return HttpAttempt.unresolvedHost(cause, host);
    }

    /**
     * Server-sent text (an echoed body, an error message, a URL in an exception) with the API key, a
     * credential header's value or a base-URL password replaced by {@code ***}. A secret of at least
     * {@value #REDACT_ANYWHERE} characters is replaced wherever it occurs; a shorter one only where it
     * stands as a whole token (not inside a run of letters, digits, {@code -} or {@code _}), which is how
     * a server echoes a key in a header, a URL or a JSON string: a key {@code "k"} blanks out the key in
     * {@code "Incorrect API key provided: k"} but not the k in {@code "unknown model"}.
     */
    protected final String redact(String text) {
        return redactor.redact(text);
    }

    /** Secrets this long or longer are redacted wherever they occur. */
    static final int REDACT_ANYWHERE = Redactor.REDACT_ANYWHERE;

    /** The text of a JSON node, or null if it is missing, null or empty. */
    protected static String text(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return null;
        String s = n.isValueNode() ? n.asText() : n.toString();
        return s.isEmpty() ? null : s;
    }

    private static final class DaemonThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "dspy4j-body-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /** Settings shared by the HTTP provider builders. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<B extends Builder<B>> extends AbstractLanguageModel.Builder<B> {
        private URI baseUrl;
        private String apiKey;
        private String apiKeySource;
        private String apiKeyEnv;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Duration timeout = Duration.ofMinutes(2);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private RetryPolicy retryPolicy = RetryPolicy.defaults();
        private Executor bodyExecutor;
        private int pipeBytes = 256 * 1024;
        private RetryListener retryListener;
        private Boolean structuredOutputs;
        private Boolean nativeTools;
        private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private boolean uploads;
        private UploadRegistry uploadRegistry;

        protected Builder(String defaultBaseUrl) {
            baseUrl(defaultBaseUrl);
        }

        /** The API base URL, e.g. {@code http://127.0.0.1:8000/v1} for a local server. */
        public B baseUrl(String url) {
            Objects.requireNonNull(url, "baseUrl");
            URI u;
            try {
                u = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("baseUrl '" + url + "' is not a URL: " + e.getMessage(), e);
            }
            if ((!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme()))
                    || u.getHost() == null) {
                throw new IllegalArgumentException("baseUrl must be an absolute http or https URL, not '" + url + "'");
            }
            this.baseUrl = u;
            return (B) this;
        }

        /** The API key; null or blank for none (no authentication header is sent). */
        public B apiKey(String key) {
            this.apiKey = checkKey(key);
            this.apiKeySource = null;
            this.apiKeyEnv = null;
            return (B) this;
        }

        /** The API key from environment variable {@code name}; none if it is unset or blank. */
        public B apiKeyFromEnv(String name) {
            Objects.requireNonNull(name, "name");
            this.apiKey = checkKey(System.getenv(name));
            this.apiKeySource = "environment variable " + name;
            this.apiKeyEnv = this.apiKey == null ? name : null;
            return (B) this;
        }

        /** Adds (or replaces) a header sent with every request. */
        public B header(String name, String value) {
            Objects.requireNonNull(name, "header name");
            Objects.requireNonNull(value, "header value");
            if (!name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
                throw new IllegalArgumentException("header name '" + name + "' is not a valid HTTP header name");
            }
            if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " is set by the client itself and cannot be set");
            }
            if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                // the value may be a credential: do not echo it
                throw new IllegalArgumentException("header " + name + " has a control character in its value");
            }
            headers.put(name, value);
            return (B) this;
        }

        /** The time a whole exchange may take: connect, send the body, receive the response (default 120 s). */
        public B timeout(Duration t) {
            Objects.requireNonNull(t, "timeout");
            if (t.isNegative() || t.isZero()) throw new IllegalArgumentException("timeout must be positive, not " + t);
            this.timeout = t;
            return (B) this;
        }

        /** The time to establish a connection (default 10 s). */
        public B connectTimeout(Duration t) {
            Objects.requireNonNull(t, "connectTimeout");
            if (t.isNegative() || t.isZero())
                throw new IllegalArgumentException("connectTimeout must be positive, not " + t);
            this.connectTimeout = t;
            return (B) this;
        }

        /** When to retry (default {@link RetryPolicy#defaults()}). */
        public B retryPolicy(RetryPolicy p) {
            this.retryPolicy = Objects.requireNonNull(p, "retryPolicy");
            return (B) this;
        }

        /** Shorthand for a default retry policy with {@code n} attempts in total. */
        public B maxAttempts(int n) {
            return retryPolicy(retryPolicy.withMaxAttempts(n));
        }

        /** Told before each retry. */
        public B retryListener(RetryListener l) {
            this.retryListener = l;
            return (B) this;
        }

        /**
         * The largest response body the client reads, in bytes, counted as received and again after gzip
         * decoding (default {@value HttpLanguageModel#DEFAULT_MAX_RESPONSE_BYTES}, 32 MiB: far above any
         * real completion, small enough that a few calls at once cannot exhaust a small heap). A larger
         * response fails the call with {@link ResponseTooLargeException}, not retried.
         */
        public B maxResponseBytes(long bytes) {
            if (bytes < 1024 || bytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "maxResponseBytes must be between 1024 and " + (Integer.MAX_VALUE - 8) + ", not " + bytes);
            }
            this.maxResponseBytes = bytes;
            return (B) this;
        }

        /** Whether the server accepts a JSON-schema {@code response_format} (default: the provider's guess). */
        public B structuredOutputs(boolean on) {
            this.structuredOutputs = on;
            return (B) this;
        }

        /** Whether the server accepts native {@code tools} (default: the provider's guess). */
        public B nativeTools(boolean on) {
            this.nativeTools = on;
            return (B) this;
        }

        /** The executor whose threads write request bodies (default: a shared pool of daemon threads). */
        public B bodyExecutor(Executor e) {
            this.bodyExecutor = Objects.requireNonNull(e, "bodyExecutor");
            return (B) this;
        }

        /** The capacity of the buffer between the body writer and the HTTP client (default 256 KB). */
        public B pipeBytes(int bytes) {
            if (bytes < 1024) throw new IllegalArgumentException("pipeBytes must be at least 1024, not " + bytes);
            this.pipeBytes = bytes;
            return (B) this;
        }

        /**
         * Uploads each payload the provider takes by reference once through its Files API and refers to
         * it by file id (default off). Uploads are recorded in the registry kept beside the response
         * cache (a table in the disk cache's SQLite file, shared by processes using that cache), else in
         * one in this process's memory. A payload the endpoint cannot take by id is sent inline, and the
         * client says so once. The response cache key does not change: it holds payload digests either
         * way. See {@code ReferencedUploads} for the retry when the provider no longer knows an id.
         */
        public B uploads(boolean on) {
            this.uploads = on;
            if (!on) this.uploadRegistry = null;
            return (B) this;
        }

        /** As {@link #uploads(boolean) uploads(true)}, recording uploads in {@code registry}. */
        public B uploads(UploadRegistry registry) {
            this.uploadRegistry = Objects.requireNonNull(registry, "registry");
            this.uploads = true;
            return (B) this;
        }

        /** True if {@link #uploads} was turned on. */
        protected boolean uploadsSetting() {
            return uploads;
        }

        /** The base URL set so far. */
        protected URI baseUrl() {
            return baseUrl;
        }

        /** True if structured outputs were set explicitly. */
        protected Boolean structuredOutputsSetting() {
            return structuredOutputs;
        }

        private static String checkKey(String key) {
            if (key == null || key.isBlank()) return null;
            String k = key.strip();
            for (int i = 0; i < k.length(); i++) {
                char c = k.charAt(i);
                if (c < 0x21 || c > 0x7e) {
                    // never echo the key
                    throw new IllegalArgumentException(
                            "the API key has a character not allowed in an HTTP header at index " + i);
                }
            }
            return k;
        }
    }
}
