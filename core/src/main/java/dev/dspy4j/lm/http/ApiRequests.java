package dev.dspy4j.lm.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.AuthenticationException;
import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmTimeoutException;
import dev.dspy4j.lm.RateLimitException;
import dev.dspy4j.lm.RetryPolicy;
import dev.dspy4j.lm.ServerException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Requests to a provider's endpoints besides its model calls (the Files API, batches), made with an
 * LM client's credentials and settings: its extra headers and authentication, its timeout, its
 * retry policy (connection failures, 408, 409, 429 with {@code Retry-After}, 5xx), its response size
 * limit, and its redaction of secrets in anything a server echoes. Answers are JSON objects;
 * {@link #download} streams a body instead.
 *
 * <p>Errors are typed as for model calls: {@link AuthenticationException} (401, 403),
 * {@link RateLimitException} (429), {@link ServerException} (5xx), {@link BadRequestException} (other
 * 4xx, the status kept, so a 404 is {@code status() == 404}), {@link LmException} for connection
 * failures and malformed answers; messages name the endpoint (never the key) and the provider's words.
 * Thread-safe.
 */
public final class ApiRequests {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ERROR_MESSAGE = 1000;
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dspy4j-upload-writer");
        t.setDaemon(true);
        return t;
    });

    private final HttpLanguageModel client;
    private final String api;
    private final Consumer<HttpRequest.Builder> extraHeaders;
    private final HttpClient http;
    private final Executor writers;

    private ApiRequests(HttpLanguageModel client, String api, Consumer<HttpRequest.Builder> extraHeaders) {
        this.client = Objects.requireNonNull(client, "client");
        this.api = Objects.requireNonNull(api, "api");
        this.extraHeaders = extraHeaders == null ? b -> {} : extraHeaders;
        this.writers = WRITERS;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /**
     * {@return requests made with {@code client}'s credentials and settings}
     *
     * @param client       the LM client whose base URL, key, headers, timeout, retries and limits apply
     * @param api          names the API in messages, e.g. {@code "OpenAI Files API"}
     * @param extraHeaders adds headers every request needs (e.g. a beta flag), or null
     */
    public static ApiRequests of(HttpLanguageModel client, String api, Consumer<HttpRequest.Builder> extraHeaders) {
        return new ApiRequests(client, api, extraHeaders);
    }

    /** {@return the client's base URL} */
    public URI baseUrl() {
        return client.baseUrl();
    }

    /**
     * {@return {@code baseUrl + path}}
     *
     * @param path a path starting with {@code /}, appended as given
     */
    public URI resolve(String path) {
        return URI.create(client.baseUrl() + path);
    }

    /**
     * {@return {@code text} with the client's secrets replaced by {@code ***}} For messages built from
     * server text.
     *
     * @param text the text, or null
     */
    public String redact(String text) {
        return client.redact(text);
    }

    /**
     * {@code GET uri}.
     *
     * @param uri the URL, on the client's host
     * @param what     the action, for messages ({@code "... while <what>"}), e.g. {@code "listing files"}
     * @return the answer, a JSON object
     * @throws LmException (or a typed subclass) when the request fails after retries
     */
    public JsonNode get(URI uri, String what) {
        return json(send(base(uri).GET(), uri, what), uri, what);
    }

    /**
     * {@code DELETE uri}.
     *
     * @param uri the URL, on the client's host
     * @param what     the action, for messages ({@code "... while <what>"}), e.g. {@code "listing files"}
     * @return the answer, a JSON object; an empty body reads as {@code {}}
     * @throws LmException (or a typed subclass) when the request fails after retries
     */
    public JsonNode delete(URI uri, String what) {
        return json(send(base(uri).DELETE(), uri, what), uri, what);
    }

    /**
     * {@code POST uri} with a JSON body.
     *
     * @param uri the URL, on the client's host
     * @param json the body, JSON text
     * @param what     the action, for messages ({@code "... while <what>"}), e.g. {@code "listing files"}
     * @return the answer, a JSON object
     * @throws LmException (or a typed subclass) when the request fails after retries
     */
    public JsonNode postJson(URI uri, String json, String what) {
        HttpRequest.Builder rb = base(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        return json(send(rb, uri, what), uri, what);
    }

    /**
     * {@code POST uri} with a JSON body written by {@code writer} while it is sent (a codec streaming
     * payloads as base64), as model calls send theirs; {@code writer} runs for a counting pass and once
     * per attempt, and must write the same bytes each time. A payload that cannot be read fails with
     * its own exception, not retried.
     *
     * @param uri the URL, on the client's host
     * @param writer writes the body
     * @param what     the action, for messages ({@code "... while <what>"}), e.g. {@code "listing files"}
     * @return the answer, a JSON object
     * @throws LmException (or a typed subclass) when the request fails after retries
     */
    public JsonNode postJson(URI uri, StreamingBody.Writer writer, String what) {
        StreamingBody body;
        try {
            body = new StreamingBody(JSON, writer, writers, 256 * 1024);
        } catch (IOException e) {
            throw new LmException(
                    where(uri) + ": the body could not be written while " + what + ": " + e.getMessage(), 0, null, e);
        }
        try (StreamingBody.Attempt a = body.attempt()) {
            HttpRequest.Builder rb =
                    base(uri).header("Content-Type", "application/json").POST(a.publisher());
            try {
                return json(send(rb, uri, what), uri, what);
            } catch (LmException e) {
                Throwable local = a.failure();
                if (local instanceof RuntimeException r) throw r;
                if (local != null)
                    throw new LmException(
                            where(uri) + ": writing the body failed while " + what + ": " + local, 0, null, local);
                throw e;
            }
        } finally {
            body.release();
        }
    }

    /**
     * {@code POST uri} with a multipart body, streamed from its sources on each attempt.
     *
     * @param uri the URL, on the client's host
     * @param body the form
     * @param what     the action, for messages ({@code "... while <what>"}), e.g. {@code "listing files"}
     * @return the answer, a JSON object
     * @throws LmException (or a typed subclass) when the request fails after retries
     */
    public JsonNode postMultipart(URI uri, Multipart body, String what) {
        HttpRequest.Builder rb =
                base(uri).header("Content-Type", body.contentType()).POST(body.publisher(writers, 256 * 1024));
        return json(send(rb, uri, what), uri, what);
    }

    /**
     * {@code GET uri}, the body streamed to the caller. Not limited in size (it is read by the caller,
     * not held here).
     *
     * @param uri the URL, on the client's host
     * @param what     the action, for messages ({@code "... while <what>"}), e.g. {@code "listing files"}
     * @return the body, which the caller must close
     * @throws LmException (or a typed subclass) when the request fails after retries
     */
    public InputStream download(URI uri, String what) {
        HttpRequest request = base(uri).GET().build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> r;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                LmException f = connectionFailure(uri, what, e, attempt);
                if (!waitBeforeRetry(attempt, null)) throw f;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LmException(where(uri) + ": interrupted while " + what, 0, null, e);
            }
            if (r.statusCode() / 100 == 2) return r.body();
            byte[] head;
            try (InputStream in = r.body()) {
                head = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                head = new byte[0];
            }
            LmException f = error(r.statusCode(), head, uri, what, attempt);
            if (!RetryPolicy.isRetryableStatus(r.statusCode())
                    || !waitBeforeRetry(attempt, RetryAfter.from(r.headers(), Clock.systemUTC()))) {
                throw f;
            }
        }
    }

    private HttpRequest.Builder base(URI uri) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri)
                .timeout(client.timeout())
                .header("Accept", "application/json")
                .header("Accept-Encoding", LimitedBody.ACCEPT_ENCODING);
        client.addAuthentication(rb);
        extraHeaders.accept(rb);
        return rb;
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder rb, URI uri, String what) {
        HttpRequest request = rb.build();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<byte[]> r;
            try {
                r = http.send(request, new LimitedBody(client.maxResponseBytes()));
            } catch (HttpTimeoutException e) {
                LmException f = new LmTimeoutException(
                        where(uri) + ": no answer within " + client.timeout() + " while " + what + attempts(attempt),
                        0,
                        null,
                        e);
                if (!waitBeforeRetry(attempt, null)) throw f;
                continue;
            } catch (IOException e) {
                if (e instanceof LimitedBody.TooLarge || e.getCause() instanceof LimitedBody.TooLarge) {
                    throw new LmException(
                            where(uri) + ": the answer while " + what + " is too large: " + e.getMessage(), 0, null, e);
                }
                LmException f = connectionFailure(uri, what, e, attempt);
                if (!waitBeforeRetry(attempt, null)) throw f;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LmException(where(uri) + ": interrupted while " + what, 0, null, e);
            }
            if (r.statusCode() / 100 == 2) return r;
            LmException f = error(r.statusCode(), r.body(), uri, what, attempt);
            if (!RetryPolicy.isRetryableStatus(r.statusCode())
                    || !waitBeforeRetry(attempt, RetryAfter.from(r.headers(), Clock.systemUTC()))) {
                throw f;
            }
        }
    }

    private String attempts(int attempt) {
        int max = client.retryPolicy().maxAttempts();
        return max <= 1 ? "" : " (attempt " + attempt + " of " + max + ")";
    }

    private LmException connectionFailure(URI uri, String what, IOException e, int attempt) {
        return new LmException(
                where(uri) + ": " + what + " failed" + attempts(attempt) + ": "
                        + client.redact(
                                e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())),
                0,
                null,
                e);
    }

    /** Sleeps before the next attempt; false if the policy gives up. */
    private boolean waitBeforeRetry(int attempt, Duration retryAfter) {
        Duration d = client.retryPolicy().delayBefore(attempt, retryAfter);
        if (d == null) return false;
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LmException(api + ": interrupted while waiting to retry", 0, null, e);
        }
        return true;
    }

    private LmException error(int status, byte[] body, URI uri, String what, int attempt) {
        String message = null;
        String code = null;
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.isObject()) {
                HttpLanguageModel.ProviderError pe = client.parseError(root);
                message = pe.message();
                code = pe.code();
            }
        } catch (IOException notJson) {
            // keep the raw text
        }
        if (message == null && body.length > 0) {
            message = new String(body, 0, Math.min(body.length, MAX_ERROR_MESSAGE), StandardCharsets.UTF_8).strip();
        }
        message = message == null
                ? null
                : client.redact(
                        message.length() > MAX_ERROR_MESSAGE
                                ? message.substring(0, MAX_ERROR_MESSAGE) + "..."
                                : message);
        String msg = where(uri) + " answered HTTP " + status + " while " + what + attempts(attempt)
                + (message == null || message.isEmpty() ? "" : ": " + message)
                + (code == null ? "" : " [" + client.redact(code) + "]");
        if (status == 401 || status == 403) return new AuthenticationException(msg, status, message, null);
        if (status == 429) return new RateLimitException(msg, status, message, null, null);
        if (status == 408) return new LmTimeoutException(msg, status, message, null);
        if (status == 409 || status >= 500) return new ServerException(msg, status, message, null);
        if (status >= 400) return new BadRequestException(msg, status, message, null);
        return new LmException(msg, status, message, null);
    }

    private JsonNode json(HttpResponse<byte[]> r, URI uri, String what) {
        byte[] b = r.body();
        if (b.length == 0) return JSON.createObjectNode();
        try {
            JsonNode n = JSON.readTree(b);
            if (n != null && n.isObject()) return n;
        } catch (IOException e) {
            // reported below
        }
        throw new LmException(
                where(uri) + ": the answer (HTTP " + r.statusCode() + ") while " + what
                        + " is not a JSON object; it starts with: "
                        + client.redact(new String(b, 0, Math.min(b.length, 200), StandardCharsets.UTF_8)),
                r.statusCode(),
                null,
                null);
    }

    private String where(URI uri) {
        String s = HttpLanguageModel.withoutUserInfo(uri);
        int q = s.indexOf('?');
        return api + " at " + (q < 0 ? s : s.substring(0, q));
    }

    @Override
    public String toString() {
        return "ApiRequests[" + api + " at " + HttpLanguageModel.withoutUserInfo(client.baseUrl()) + "]";
    }
}
