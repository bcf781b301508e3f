package dev.dspy4j.lm.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.AuthenticationException;
import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmTimeoutException;
import dev.dspy4j.lm.RateLimitException;
import dev.dspy4j.lm.ServerException;
import dev.dspy4j.lm.http.StreamingBody;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The HTTP side of a {@link BatchClient}: JSON requests and streamed JSONL results on the JDK client,
 * with the LM client's authentication, its redaction of secrets in anything the server sends back, and
 * typed errors ({@link AuthenticationException} for 401/403, {@link RateLimitException} for 429,
 * {@link ServerException} for 409/5xx, {@link BadRequestException} for other 4xx, status 404 kept).
 * Not retried here: the caller polls again, and a create is never repeated blindly (it could make two batches).
 */
public final class BatchHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dspy4j-batch-body-writer");
        t.setDaemon(true);
        return t;
    });

    private final String where;
    private final Consumer<HttpRequest.Builder> auth;
    private final UnaryOperator<String> redact;
    private final Duration timeout;
    private final long maxResponseBytes;
    private final HttpClient http;

    /**
     * @param where            names the provider in messages, e.g. {@code Anthropic message batches}
     * @param auth             adds the client's key and headers to a request
     * @param redact           replaces secrets in server text
     * @param timeout          per exchange (the body of a results download may take longer to read)
     * @param maxResponseBytes the largest JSON response, and the largest results line, read
     */
    public BatchHttp(String where, Consumer<HttpRequest.Builder> auth, UnaryOperator<String> redact, Duration timeout,
                     long maxResponseBytes) {
        this.where = Objects.requireNonNull(where, "where");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.redact = Objects.requireNonNull(redact, "redact");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.maxResponseBytes = maxResponseBytes;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A request to {@code uri} with the client's authentication and the timeout. */
    public HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        auth.accept(b);
        return b;
    }

    /**
     * POSTs a body written by {@code writer} as it is sent (never held whole: request bodies carry
     * payloads as base64 encoded while written) and parses the JSON object answer.
     */
    public JsonNode postStreamed(HttpRequest.Builder request, String contentType, StreamingBody.Writer writer, String what) {
        StreamingBody body;
        try {
            body = new StreamingBody(JSON, writer, WRITERS, 256 * 1024);
        } catch (IOException e) {
            throw new LmException(where + ": " + what + ": the body could not be written: " + e.getMessage(), 0, e);
        }
        try (StreamingBody.Attempt a = body.attempt()) {
            HttpRequest r = request.header("Content-Type", contentType).POST(a.publisher()).build();
            try {
                return json(r, what);
            } catch (LmException e) {
                Throwable local = a.failure();
                if (local instanceof RuntimeException re) throw re; // a payload could not be read: the caller's input
                if (local != null) throw new LmException(where + ": " + what + ": writing the body failed: " + local, 0, local);
                throw e;
            }
        } finally {
            body.release();
        }
    }

    /** Sends and parses a JSON object answer; {@code what} says what was asked, for messages. */
    public JsonNode json(HttpRequest request, String what) {
        try (InputStream in = send(request, what)) {
            byte[] bytes = readAtMost(in, maxResponseBytes, what);
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) throw new LmException(where + ": " + what + ": the answer is not a JSON object");
            return root;
        } catch (IOException e) {
            throw new LmException(where + ": " + what + ": the answer could not be read: " + redact.apply(e.getMessage()), 0, e);
        }
    }

    /**
     * Sends and passes each non-blank line of the answer to {@code line}, as it arrives (JSONL results).
     *
     * @throws LmException for a line longer than the response limit, or a broken connection
     */
    public void lines(HttpRequest request, String what, Consumer<String> line) {
        try (InputStream in = send(request, what)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            int n;
            while ((n = in.read(chunk)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') continue;
                    buf.write(chunk, start, i - start);
                    emit(buf, line);
                    start = i + 1;
                }
                buf.write(chunk, start, n - start);
                if (buf.size() > maxResponseBytes) {
                    throw new LmException(where + ": " + what + ": a line is longer than " + maxResponseBytes + " bytes");
                }
            }
            emit(buf, line);
        } catch (IOException e) {
            throw new LmException(where + ": " + what + ": reading the results failed: " + redact.apply(e.getMessage()), 0, e);
        }
    }

    private static void emit(ByteArrayOutputStream buf, Consumer<String> line) {
        String s = buf.toString(StandardCharsets.UTF_8).strip();
        buf.reset();
        if (!s.isEmpty()) line.accept(s);
    }

    private InputStream send(HttpRequest request, String what) {
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new LmTimeoutException(where + ": " + what + ": no answer within " + timeout, 0, null, e);
        } catch (IOException e) {
            throw new ServerException(where + ": " + what + ": connection failed: " + redact.apply(String.valueOf(e.getMessage())),
                    0, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LmException(where + ": " + what + ": interrupted", 0, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) return response.body();
        String body;
        try (InputStream in = response.body()) {
            body = new String(readAtMost(in, 64 * 1024, what), StandardCharsets.UTF_8);
        } catch (IOException | LmException e) {
            body = "";
        }
        throw error(status, body, what);
    }

    private LmException error(int status, String body, String what) {
        String providerMessage = null;
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode e = root == null ? null : root.path("error");
            if (e != null && e.isTextual()) providerMessage = e.asText();
            else if (e != null && e.path("message").isTextual()) providerMessage = e.path("message").asText();
        } catch (IOException notJson) {
            // the body itself, shortened, below
        }
        if (providerMessage == null && !body.isBlank()) providerMessage = body.strip();
        if (providerMessage != null) {
            providerMessage = redact.apply(providerMessage);
            if (providerMessage.length() > 500) providerMessage = providerMessage.substring(0, 500) + "...";
        }
        String msg = where + ": " + what + " answered HTTP " + status + (providerMessage == null ? "" : ": " + providerMessage);
        if (status == 401 || status == 403) return new AuthenticationException(msg, status, providerMessage, null);
        if (status == 429) return new RateLimitException(msg, status, providerMessage, null, null);
        if (status == 409 || status >= 500) return new ServerException(msg, status, providerMessage, null);
        if (status == 404) return new LmException(msg, status, providerMessage, null);
        return new BadRequestException(msg, status, providerMessage, null);
    }

    private byte[] readAtMost(InputStream in, long limit, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[16 * 1024];
        int n;
        while ((n = in.read(chunk)) > 0) {
            out.write(chunk, 0, n);
            if (out.size() > limit) throw new LmException(where + ": " + what + ": the answer is larger than " + limit + " bytes");
        }
        return out.toByteArray();
    }

    /** The JSON mapper for answers. */
    public static ObjectMapper mapper() {
        return JSON;
    }
}
