package dev.dspy4j.lm.http;

import dev.dspy4j.lm.AbstractLanguageModel;
import dev.dspy4j.lm.ResponseTooLargeException;
import dev.dspy4j.lm.RetryPolicy;
import dev.dspy4j.lm.upload.UploadRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * The options every HTTP provider's builder has (endpoint, credentials, headers, timeouts, retries,
 * response size, uploads), each checked when it is set. Package-private: its public face is
 * {@link HttpLanguageModel.Builder}, which every provider builder extends and on which these methods
 * are documented; {@link HttpLanguageModel}'s constructor reads the fields directly.
 */
@SuppressWarnings("unchecked")
abstract class HttpBuilderBase<B extends HttpBuilderBase<B>> extends AbstractLanguageModel.Builder<B> {

    /** Headers the JDK client sets itself (or refuses), in lower case. */
    private static final Set<String> RESTRICTED_HEADERS =
            Set.of("connection", "content-length", "expect", "host", "upgrade", "content-type");

    URI baseUrl;
    String apiKey;
    /** Where the key was looked for ({@code environment variable NAME}), for a 401's hint; null if given. */
    String apiKeySource;
    /** The variable {@link #apiKeyFromEnv} found unset, so that building off loopback fails; else null. */
    String apiKeyEnv;

    final Map<String, String> headers = new LinkedHashMap<>();
    Duration timeout = Duration.ofMinutes(2);
    Duration connectTimeout = Duration.ofSeconds(10);
    RetryPolicy retryPolicy = RetryPolicy.defaults();
    Executor bodyExecutor;
    int pipeBytes = 256 * 1024;
    RetryListener retryListener;
    Boolean structuredOutputs;
    Boolean nativeTools;
    long maxResponseBytes = HttpLanguageModel.DEFAULT_MAX_RESPONSE_BYTES;
    boolean uploads;
    UploadRegistry uploadRegistry;

    HttpBuilderBase(String defaultBaseUrl) {
        baseUrl(defaultBaseUrl);
    }

    /**
     * Sets the API base URL that endpoints are resolved against, e.g. {@code http://127.0.0.1:8000/v1}
     * for a local server. One trailing {@code /} is dropped.
     *
     * @param url an absolute {@code http://} or {@code https://} URL with a host, e.g.
     *     {@code http://127.0.0.1:8766/v1}
     * @return this builder
     * @throws IllegalArgumentException for anything else (no scheme as in {@code localhost:8080}, another
     *     scheme, white space, no host, bad syntax), saying why, what is accepted and, for a value that only
     *     lacks its scheme, the URL it likely meant
     */
    public B baseUrl(String url) {
        Objects.requireNonNull(url, "baseUrl");
        this.baseUrl = BaseUrl.check(url);
        return (B) this;
    }

    /**
     * Sets the API key sent in the provider's authentication header.
     *
     * @param key the key, stripped of surrounding white space; null or blank for none (then no
     *     authentication header is sent)
     * @return this builder
     * @throws IllegalArgumentException if the key has a character an HTTP header cannot carry (the
     *     message gives its index, never the key)
     */
    public B apiKey(String key) {
        this.apiKey = checkKey(key);
        this.apiKeySource = null;
        this.apiKeyEnv = null;
        return (B) this;
    }

    /**
     * Reads the API key now from the first of these environment variables that is set and not blank. If
     * none is, no key is sent, and building fails unless the base URL is on loopback (a local server
     * needs none); the message names every variable tried.
     *
     * @param name the variable, e.g. {@code OPENAI_API_KEY}
     * @param fallbacks variables read in order when the ones before are unset or blank (Gemini's
     *     {@code GOOGLE_API_KEY} after {@code GEMINI_API_KEY})
     * @return this builder
     * @throws IllegalArgumentException if the value has a character an HTTP header cannot carry
     */
    public B apiKeyFromEnv(String name, String... fallbacks) {
        String used = Objects.requireNonNull(name, "name");
        String value = System.getenv(name);
        for (int i = 0; i < fallbacks.length && (value == null || value.isBlank()); i++) {
            used = fallbacks[i];
            value = System.getenv(used);
        }
        this.apiKey = checkKey(value);
        String all = fallbacks.length == 0 ? name : name + " (or " + String.join(", ", fallbacks) + ")";
        this.apiKeySource = "environment variable " + (apiKey == null ? all : used);
        this.apiKeyEnv = apiKey == null ? all : null;
        return (B) this;
    }

    /**
     * Adds (or replaces) a header sent with every request, calls and side requests (uploads, batch
     * polls) alike. Values of credential-like headers ({@code Authorization}, names with {@code key},
     * {@code token}, {@code secret} or {@code cookie}) are redacted from error messages.
     *
     * @param name an HTTP header name, not one the client sets itself ({@code Connection},
     *     {@code Content-Length}, {@code Content-Type}, {@code Expect}, {@code Host}, {@code Upgrade})
     * @param value the value, without control characters
     * @return this builder
     * @throws IllegalArgumentException for a name or value that breaks these rules (the value is not echoed)
     */
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

    /**
     * Sets the time one attempt may take as a whole: connect, send the body, receive the response.
     *
     * @param t a positive duration (default 120 s)
     * @return this builder
     * @throws IllegalArgumentException if {@code t} is zero or negative
     */
    public B timeout(Duration t) {
        Objects.requireNonNull(t, "timeout");
        if (t.isNegative() || t.isZero()) throw new IllegalArgumentException("timeout must be positive, not " + t);
        this.timeout = t;
        return (B) this;
    }

    /**
     * Sets the time to establish a connection.
     *
     * @param t a positive duration (default 10 s)
     * @return this builder
     * @throws IllegalArgumentException if {@code t} is zero or negative
     */
    public B connectTimeout(Duration t) {
        Objects.requireNonNull(t, "connectTimeout");
        if (t.isNegative() || t.isZero())
            throw new IllegalArgumentException("connectTimeout must be positive, not " + t);
        this.connectTimeout = t;
        return (B) this;
    }

    /**
     * Sets when and how often a failed attempt is repeated.
     *
     * @param p the policy (default {@link RetryPolicy#defaults()})
     * @return this builder
     */
    public B retryPolicy(RetryPolicy p) {
        this.retryPolicy = Objects.requireNonNull(p, "retryPolicy");
        return (B) this;
    }

    /**
     * Keeps the current retry policy but allows {@code n} attempts in total.
     *
     * @param n attempts including the first, as {@link RetryPolicy#withMaxAttempts} accepts
     * @return this builder
     */
    public B maxAttempts(int n) {
        return retryPolicy(retryPolicy.withMaxAttempts(n));
    }

    /**
     * Sets a listener told before each retry (what failed and how long the client waits).
     *
     * @param l the listener, or null for none
     * @return this builder
     */
    public B retryListener(RetryListener l) {
        this.retryListener = l;
        return (B) this;
    }

    /**
     * Sets the largest response body the client reads, counted as received and again after gzip
     * decoding. The default, {@value HttpLanguageModel#DEFAULT_MAX_RESPONSE_BYTES} (32 MiB), is far above
     * any real completion and small enough that a few calls at once cannot exhaust a small heap. A
     * larger response fails the call with {@link ResponseTooLargeException}, not retried.
     *
     * @param bytes from 1024 to {@code Integer.MAX_VALUE - 8}
     * @return this builder
     * @throws IllegalArgumentException for a value outside that range
     */
    public B maxResponseBytes(long bytes) {
        if (bytes < 1024 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "maxResponseBytes must be between 1024 and " + (Integer.MAX_VALUE - 8) + ", not " + bytes);
        }
        this.maxResponseBytes = bytes;
        return (B) this;
    }

    /**
     * Says whether the server accepts a JSON-schema response format; unset, the provider guesses (for
     * OpenAI-compatible clients: true for {@code api.openai.com} only).
     *
     * @param on whether structured outputs are sent
     * @return this builder
     */
    public B structuredOutputs(boolean on) {
        this.structuredOutputs = on;
        return (B) this;
    }

    /**
     * Says whether the server accepts native {@code tools}; unset, the provider guesses.
     *
     * @param on whether tools are sent as the API's tool definitions
     * @return this builder
     */
    public B nativeTools(boolean on) {
        this.nativeTools = on;
        return (B) this;
    }

    /**
     * Sets the executor whose threads write request bodies into the pipe the HTTP client reads.
     *
     * @param e the executor (default: a shared pool of daemon threads)
     * @return this builder
     */
    public B bodyExecutor(Executor e) {
        this.bodyExecutor = Objects.requireNonNull(e, "bodyExecutor");
        return (B) this;
    }

    /**
     * Sets the capacity of the buffer between the body writer and the HTTP client.
     *
     * @param bytes at least 1024 (default 256 KiB)
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is below 1024
     */
    public B pipeBytes(int bytes) {
        if (bytes < 1024) throw new IllegalArgumentException("pipeBytes must be at least 1024, not " + bytes);
        this.pipeBytes = bytes;
        return (B) this;
    }

    /**
     * Turns uploads on or off (default off). On, each payload the provider takes by reference is
     * uploaded once through its Files API and referred to by file id. Uploads are recorded in the
     * registry kept beside the response cache (a table in the disk cache's SQLite file, shared by
     * processes using that cache), else in one in this process's memory. A payload the endpoint cannot
     * take by id is sent inline, and the client says so once. The response cache key does not change:
     * it holds payload digests either way. When the provider no longer knows an id, it is uploaded again
     * and the call retried once.
     *
     * @param on true to upload; false also drops a registry given to {@link #uploads(UploadRegistry)}
     * @return this builder
     */
    public B uploads(boolean on) {
        this.uploads = on;
        if (!on) this.uploadRegistry = null;
        return (B) this;
    }

    /**
     * Turns uploads on as {@link #uploads(boolean) uploads(true)} does, recording them in
     * {@code registry}.
     *
     * @param registry where uploads are recorded and looked up
     * @return this builder
     */
    public B uploads(UploadRegistry registry) {
        this.uploadRegistry = Objects.requireNonNull(registry, "registry");
        this.uploads = true;
        return (B) this;
    }

    /** {@return true if {@link #uploads} was turned on} */
    protected boolean uploadsSetting() {
        return uploads;
    }

    /** {@return the base URL set so far, without a trailing {@code /}} */
    protected URI baseUrl() {
        return baseUrl;
    }

    /** {@return the structured-outputs setting, or null if not set (the provider guesses)} */
    protected Boolean structuredOutputsSetting() {
        return structuredOutputs;
    }

    /** What a built client keeps of its builder (headers copied): the settings of every call and upload. */
    record Settings(
            URI baseUrl,
            String apiKey,
            String missingKeyHint,
            Map<String, String> headers,
            Redactor redactor,
            Duration timeout,
            Duration connectTimeout,
            RetryPolicy retryPolicy,
            RetryListener retryListener,
            Executor bodyExecutor,
            int pipeBytes,
            Boolean structuredOutputs,
            Boolean nativeTools,
            long maxResponseBytes,
            boolean uploads,
            UploadRegistry uploadRegistry) {}

    /**
     * The settings as they are now, for a client being built.
     *
     * @throws IllegalStateException if {@link #apiKeyFromEnv} found no key and the base URL is off loopback
     */
    Settings settings() {
        Objects.requireNonNull(baseUrl, "baseUrl");
        requireKeyUnlessLoopback();
        return new Settings(
                baseUrl,
                apiKey,
                missingKeyHint(),
                Map.copyOf(headers),
                Redactor.of(apiKey, baseUrl, headers),
                timeout,
                connectTimeout,
                retryPolicy,
                retryListener,
                bodyExecutor,
                pipeBytes,
                structuredOutputs,
                nativeTools,
                maxResponseBytes,
                uploads,
                uploadRegistry);
    }

    /** Fails when {@link #apiKeyFromEnv} found no key for a base URL off loopback; a call would only be refused. */
    private void requireKeyUnlessLoopback() {
        if (apiKey == null && apiKeyEnv != null && !isLoopback(baseUrl.getHost())) {
            // failing here beats three connection attempts to a provider that will refuse the call
            throw new IllegalStateException(apiKeyEnv + " is not set: apiKeyFromEnv() found no API key for "
                    + baseUrl + "; set " + apiKeyEnv + ", give apiKey(...), or use a baseUrl on loopback "
                    + "(127.0.0.1, localhost, ::1), which needs no key");
        }
    }

    /** Why no key is sent, for a 401 or 403 message; empty if a key is set. */
    private String missingKeyHint() {
        return apiKey != null
                ? ""
                : apiKeySource != null
                        ? " (no API key was sent: " + apiKeySource + " is not set)"
                        : " (no API key was sent)";
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
