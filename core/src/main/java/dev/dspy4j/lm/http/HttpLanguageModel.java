package dev.dspy4j.lm.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.AuthenticationException;
import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.ContextWindowExceededException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.UnsupportedInputException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.LmTimeoutException;
import dev.dspy4j.lm.RateLimitException;
import dev.dspy4j.lm.ResponseTooLargeException;
import dev.dspy4j.lm.RetryPolicy;
import dev.dspy4j.lm.ServerException;
import dev.dspy4j.lm.TextStream;
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
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared transport of the provider clients: one JSON POST per attempt on {@code java.net.http},
 * the body streamed by the provider's codec ({@link StreamingBody}), retries with backoff and
 * {@code Retry-After}, a per-request timeout, and typed errors. Subclasses supply the endpoint, the
 * authentication headers, the codec and the response parser.
 *
 * <p>The API key is used only to build request headers. It is not part of the cache key, and never
 * appears in {@link #toString()}, exceptions, logs or history; if a provider echoes it in an error
 * message, it is replaced by {@code ***}.
 */
public abstract class HttpLanguageModel extends AbstractLanguageModel {

    /** The default of {@link Builder#maxResponseBytes}: 32 MiB. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

    /** The JSON mapper the codecs and parsers share. */
    protected static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger LOG = LoggerFactory.getLogger(HttpLanguageModel.class);
    private static final int MAX_ERROR_MESSAGE = 1000;
    private static final ExecutorService BODY_WRITERS = Executors.newCachedThreadPool(new DaemonThreads());

    private static final java.util.Set<String> RESTRICTED_HEADERS =
            java.util.Set.of("connection", "content-length", "expect", "host", "upgrade", "content-type");

    private final URI baseUrl;
    private final String apiKey;
    private final java.util.List<String> secrets;
    private final String apiKeySource;
    private final Map<String, String> headers;
    private final Duration timeout;
    private final RetryPolicy retryPolicy;
    private final Executor bodyExecutor;
    private final int pipeBytes;
    private final RetryListener retryListener;
    private final Boolean structuredOutputs;
    private final Boolean nativeTools;
    private final long maxResponseBytes;
    private final HttpClient http;
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
        java.util.List<String> all = new java.util.ArrayList<>();
        if (apiKey != null) all.add(apiKey);
        String userInfo = baseUrl.getRawUserInfo();
        if (userInfo != null) {
            // a password in the base URL is a credential: redact it wherever a server echoes it
            int colon = userInfo.indexOf(':');
            String password = colon < 0 ? "" : userInfo.substring(colon + 1);
            if (!password.isEmpty()) all.add(password);
        }
        b.headers.forEach((name, value) -> {
            if (isCredentialHeader(name) && !value.isBlank()) all.add(value.strip());
        });
        this.secrets = java.util.List.copyOf(all);
        this.timeout = b.timeout;
        this.retryPolicy = b.retryPolicy;
        this.bodyExecutor = b.bodyExecutor == null ? BODY_WRITERS : b.bodyExecutor;
        this.pipeBytes = b.pipeBytes;
        this.retryListener = b.retryListener;
        this.structuredOutputs = b.structuredOutputs;
        this.nativeTools = b.nativeTools;
        this.maxResponseBytes = b.maxResponseBytes;
        UploadRegistry registry = b.uploadRegistry != null ? b.uploadRegistry
                : !b.uploads ? null
                : cache() instanceof UploadRegistry.Source source ? source.uploadRegistry()
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
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("authorization") || n.contains("key") || n.contains("token") || n.contains("secret")
                || n.contains("cookie");
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

    @Override
    protected LmResponse send(LmRequest request) {
        return exchange(request);
    }

    /**
     * Streams the answer (server-sent events) when the provider has a {@link #streamDecoder}, passing the
     * first completion's text to {@code stream} as it arrives; else sends without streaming. A failure
     * before any text arrived is retried as usual; one after is thrown, since the text cannot be taken back.
     */
    @Override
    protected LmResponse sendStreaming(LmRequest request, TextStream stream) {
        if (streamDecoder(request) == null) return send(request);
        return exchange(request, stream);
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

    /** A text stream that remembers whether it passed anything on (then a failure is no longer retried). */
    private static final class Emitting implements TextStream {
        private final TextStream target;
        private volatile boolean emitted;

        Emitting(TextStream target) {
            this.target = target;
        }

        @Override
        public void onText(String delta) {
            emitted = true;
            target.onText(delta);
        }
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
        Emitting stream = textStream == null ? null : new Emitting(textStream);
        StreamingBody body;
        try {
            body = new StreamingBody(JSON, stream == null ? b -> writeBody(b, request) : b -> writeStreamingBody(b, request),
                    bodyExecutor, pipeBytes);
        } catch (IOException e) {
            throw new LmException(where() + ": the request body could not be written: " + e.getMessage(), 0, null, e);
        }
        try {
            for (int attempt = 1; ; attempt++) {
                Outcome outcome = attemptOnce(body, request, attempt, stream);
                if (outcome.response() != null) return outcome.response();
                LmException failure = outcome.failure();
                if (!isRetryable(failure) || (stream != null && stream.emitted)) throw failure;
                Duration delay = retryPolicy.delayBefore(attempt, outcome.retryAfter());
                if (delay == null) throw failure;
                LOG.debug("{}: attempt {} of {} failed ({}); retrying in {} ms", where(), attempt,
                        retryPolicy.maxAttempts(), failure.getMessage(), delay.toMillis());
                if (retryListener != null) retryListener.onRetry(attempt, failure, delay);
                sleep(delay);
            }
        } finally {
            body.release(); // nothing the HTTP client keeps may hold the request's payloads
        }
    }

    /** One attempt's result: a response, or a failure and the wait the server asked for. */
    private record Outcome(LmResponse response, LmException failure, Duration retryAfter) {
        static Outcome of(LmException failure) {
            return new Outcome(null, failure, null);
        }
    }

    private Outcome attemptOnce(StreamingBody body, LmRequest request, int attempt, TextStream stream) {
        String attempts = " (attempt " + attempt + " of " + retryPolicy.maxAttempts() + ")";
        long deadline = System.nanoTime() + timeout.toNanos();
        try (StreamingBody.Attempt a = body.attempt()) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(stream == null ? endpoint() : streamingEndpoint())
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", stream == null ? "application/json" : "text/event-stream")
                    .header("Accept-Encoding", stream == null ? LimitedBody.ACCEPT_ENCODING : "identity");
            headers.forEach(rb::header);
            authenticate(rb, apiKey);
            requestHeaders(rb, request);
            HttpRequest httpRequest = rb.POST(a.publisher()).build();
            HttpResponse.BodyHandler<?> handler = stream == null ? new LimitedBody(maxResponseBytes)
                    : StreamedAnswer.handler(new LimitedBody(maxResponseBytes));
            CompletableFuture<? extends HttpResponse<?>> future = http.sendAsync(httpRequest, handler);
            HttpResponse<?> response;
            try {
                response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                return Outcome.of(new LmTimeoutException(where() + ": no complete response within " + timeout + attempts, 0, null, null));
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new LmException(where() + ": interrupted", 0, null, e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                Throwable local = a.failure();
                if (local instanceof RuntimeException r) {
                    // a payload could not be read, or the codec rejected a value: not a network fault
                    throw r;
                }
                if (local != null) {
                    throw new LmException(where() + ": writing the request body failed: " + local, 0, null, local);
                }
                LimitedBody.TooLarge tooLarge = causeOf(cause, LimitedBody.TooLarge.class);
                if (tooLarge != null) {
                    throw new ResponseTooLargeException(where() + ": " + tooLarge.getMessage()
                            + " (set a higher maxResponseBytes if a response really is that large)", 0, maxResponseBytes, tooLarge);
                }
                LimitedBody.BadEncoding badEncoding = causeOf(cause, LimitedBody.BadEncoding.class);
                if (badEncoding != null) {
                    throw new LmException(where() + ": " + redact(badEncoding.getMessage()), 0, null, badEncoding);
                }
                if (cause instanceof HttpTimeoutException) {
                    return Outcome.of(new LmTimeoutException(where() + ": no response within " + timeout + attempts, 0, null, cause));
                }
                if (cause instanceof IOException) {
                    String unresolved = unresolvedHost(cause, baseUrl.getHost());
                    return Outcome.of(new ConnectionFailure(where() + ": " + (unresolved != null ? unresolved + attempts
                            : "connection failed" + attempts + ": " + describe(cause)), cause));
                }
                throw new LmException(where() + ": the request failed: " + describe(cause), 0, null, cause);
            }
            int status = response.statusCode();
            if (status / 100 == 2 && response.body() instanceof java.io.InputStream) {
                StreamedAnswer.Result r = new StreamedAnswer(this, maxResponseBytes)
                        .read((java.io.InputStream) response.body(), streamDecoder(request), stream, deadline);
                if (r.failure() != null) {
                    LmException f = r.failure();
                    return Outcome.of(f instanceof StreamedAnswer.Broken
                            ? new ConnectionFailure(f.getMessage() + attempts, f.getCause()) : f);
                }
                try {
                    return new Outcome(parseResponse(r.assembled(), request), null, null);
                } catch (MalformedResponseException e) {
                    throw new LmException(where() + ": unexpected streamed response: " + redact(e.getMessage()), status, null, null);
                }
            }
            if (status / 100 == 2) {
                return new Outcome(parse((byte[]) response.body(), request, status), null, null);
            }
            Duration retryAfter = RetryPolicy.isRetryableStatus(status) ? RetryAfter.from(response.headers(), Clock.systemUTC()) : null;
            String givingUp = "";
            if (retryAfter != null && attempt < retryPolicy.maxAttempts() && retryAfter.compareTo(retryPolicy.maxRetryAfter()) > 0) {
                givingUp = "; the server asked to wait " + seconds(retryAfter) + " before retrying (Retry-After), longer than "
                        + "the " + seconds(retryPolicy.maxRetryAfter()) + " this client waits at most "
                        + "(RetryPolicy.maxRetryAfter), so it gives up now";
            }
            LmException failure = errorFor(status, response, attempts, givingUp);
            return new Outcome(null, failure, retryAfter);
        }
    }

    private LmResponse parse(byte[] bytes, LmRequest request, int status) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new LmException(where() + ": the response (HTTP " + status + ", " + bytes.length
                    + " bytes) is not valid JSON: " + redact(firstLine(e.getMessage())) + "; it starts with: "
                    + redact(abbreviate(new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.UTF_8))),
                    status, null, null);
        }
        if (root == null || !root.isObject()) {
            throw new LmException(where() + ": the response (HTTP " + status + ") is not a JSON object", status, null, null);
        }
        try {
            return parseResponse(root, request);
        } catch (MalformedResponseException e) {
            throw new LmException(where() + ": unexpected response (HTTP " + status + "): " + redact(e.getMessage()),
                    status, null, null);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The first throwable of type {@code type} in the cause chain of {@code t}, or null. */
    private static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
        }
        return null;
    }

    private LmException errorFor(int status, HttpResponse<?> response, String attempts, String givingUp) {
        byte[] bytes = (byte[]) response.body();
        ProviderError pe;
        JsonNode errorBody = null;
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root != null && root.isObject()) errorBody = root;
            pe = errorBody != null ? parseError(errorBody) : new ProviderError(null, null);
        } catch (IOException notJson) {
            pe = new ProviderError(null, null);
        }
        String providerMessage = pe.message();
        if (providerMessage == null && bytes.length > 0) {
            providerMessage = new String(bytes, 0, Math.min(bytes.length, MAX_ERROR_MESSAGE), StandardCharsets.UTF_8).strip();
        }
        providerMessage = providerMessage == null ? null : abbreviate(redact(providerMessage));
        String code = pe.code() == null ? null : redact(pe.code());
        String msg = where() + " answered HTTP " + status + attempts
                + (providerMessage == null || providerMessage.isEmpty() ? "" : ": " + providerMessage)
                + (code == null ? "" : " [" + code + "]") + givingUp;
        LmException special = errorBody == null ? null : errorFromBody(status, errorBody, msg, providerMessage);
        if (special != null) return special;
        if (status == 401 || status == 403) {
            String hint = apiKey != null ? ""
                    : apiKeySource != null ? " (no API key was sent: " + apiKeySource + " is not set)"
                    : " (no API key was sent)";
            return new AuthenticationException(msg + hint, status, providerMessage, null);
        }
        if (status == 429) {
            return new RateLimitException(msg, status, providerMessage, RetryAfter.from(response.headers(), Clock.systemUTC()), null);
        }
        if (status == 408) {
            return new LmTimeoutException(msg, status, providerMessage, null);
        }
        if (status == 409 || status >= 500) {
            return new ServerException(msg, status, providerMessage, null);
        }
        if (status >= 400 && isContextWindow(code, providerMessage)) {
            return new ContextWindowExceededException(msg, status, providerMessage, null);
        }
        if (status >= 400) {
            return new BadRequestException(msg, status, providerMessage, null);
        }
        return new LmException(msg, status, providerMessage, null);
    }

    /** True if the error says the prompt does not fit the model's context window. */
    protected boolean isContextWindow(String code, String message) {
        if ("context_length_exceeded".equals(code)) return true;
        if (message == null) return false;
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("context length") || m.contains("context_length") || m.contains("context window")
                || m.contains("maximum context") || m.contains("prompt is too long") || m.contains("input is too long")
                || m.contains("too many tokens") || m.contains("exceeds the context");
    }

    private boolean isRetryable(LmException e) {
        if (e instanceof ConnectionFailure || e instanceof LmTimeoutException) return true;
        return e.status() != 0 && RetryPolicy.isRetryableStatus(e.status());
    }

    /** A connection that failed or broke before a whole response arrived. */
    private static final class ConnectionFailure extends LmException {
        private static final long serialVersionUID = 1L;

        ConnectionFailure(String message, Throwable cause) {
            super(message, 0, null, cause);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LmException("interrupted while waiting to retry", 0, null, e);
        }
    }

    /** "OpenAI at http://host/v1/chat/completions", without any query string. */
    protected final String where() {
        return providerName() + " at " + withoutQuery(endpoint());
    }

    /** The URL without its query string and without a {@code user:password@} part (both may hold credentials). */
    private static String withoutQuery(URI uri) {
        String s = withoutUserInfo(uri);
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    /** The URL without a {@code user:password@} part; the password is a credential. */
    public static String withoutUserInfo(URI uri) {
        String s = uri.toString();
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) return s;
        int at = s.indexOf(userInfo + "@");
        return at < 0 ? s : s.substring(0, at) + s.substring(at + userInfo.length() + 1);
    }

    /** True for a host on this machine: {@code localhost}, 127.0.0.0/8 or {@code ::1}. */
    static boolean isLoopback(String host) {
        if (host == null) return false;
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost") || h.matches("127(\\.\\d{1,3}){3}") || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    /**
     * {@code cannot resolve host H} when a connection failed because the name did not resolve (the JDK
     * client says {@code ConnectException} with an {@code UnresolvedAddressException} cause), else null.
     */
    static String unresolvedHost(Throwable cause, String host) {
        for (Throwable c = cause; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof java.nio.channels.UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
                return "cannot resolve host " + host;
            }
        }
        return null;
    }

    private String describe(Throwable t) {
        String m = t.getMessage();
        return redact(t.getClass().getSimpleName() + (m == null ? "" : ": " + m));
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
        if (text == null) return null;
        String out = text;
        for (String s : secrets) out = s.length() >= REDACT_ANYWHERE ? out.replace(s, "***") : redactToken(out, s);
        return out;
    }

    /** Secrets this long or longer are redacted wherever they occur. */
    static final int REDACT_ANYWHERE = 8;

    private static String redactToken(String text, String secret) {
        StringBuilder sb = null;
        int from = 0;
        int i;
        while ((i = text.indexOf(secret, from)) >= 0) {
            int end = i + secret.length();
            boolean whole = (i == 0 || !isTokenChar(text.charAt(i - 1))) && (end == text.length() || !isTokenChar(text.charAt(end)));
            if (whole) {
                if (sb == null) sb = new StringBuilder(text.length());
                sb.append(text, from, i).append("***");
                from = end;
            } else {
                if (sb == null) sb = new StringBuilder(text.length());
                sb.append(text, from, i + 1);
                from = i + 1;
            }
        }
        if (sb == null) return text;
        return sb.append(text, from, text.length()).toString();
    }

    private static boolean isTokenChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '_';
    }

    private static String abbreviate(String s) {
        return s.length() <= MAX_ERROR_MESSAGE ? s : s.substring(0, MAX_ERROR_MESSAGE) + "...";
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

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
            if ((!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) || u.getHost() == null) {
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
            if (t.isNegative() || t.isZero()) throw new IllegalArgumentException("connectTimeout must be positive, not " + t);
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
                throw new IllegalArgumentException("maxResponseBytes must be between 1024 and " + (Integer.MAX_VALUE - 8)
                        + ", not " + bytes);
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
                    throw new IllegalArgumentException("the API key has a character not allowed in an HTTP header at index " + i);
                }
            }
            return k;
        }
    }
}
