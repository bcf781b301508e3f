package dev.dspy4j.lm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.AuthenticationException;
import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.RateLimitException;
import dev.dspy4j.lm.ServerException;
import dev.dspy4j.media.Digest;
import dev.dspy4j.media.Payload;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The Gemini Files API of one {@link GeminiChat}'s account: uploads with Google's resumable upload
 * protocol, streamed from the payload (never held in memory), and a registry of what was uploaded,
 * keyed by payload digest, so a payload is uploaded once per client until shortly before Gemini
 * deletes it (files live 48 hours).
 *
 * <p>Protocol: {@code POST {origin}/upload/{version}/files} with {@code X-Goog-Upload-Protocol: resumable},
 * {@code X-Goog-Upload-Command: start}, {@code X-Goog-Upload-Header-Content-Length} and
 * {@code -Content-Type}, and {@code {"file":{"display_name":...}}}; the answer's
 * {@code X-Goog-Upload-URL} then receives the bytes with {@code X-Goog-Upload-Command: upload, finalize}
 * and {@code X-Goog-Upload-Offset: 0}, and answers {@code {"file":{...}}}. A file still
 * {@code PROCESSING} (video) is polled ({@code GET {baseUrl}/files/{id}}) until {@code ACTIVE}.
 *
 * <p>The API key goes in the {@code x-goog-api-key} header, and to the upload URL only when it has the
 * base URL's origin (the URL itself authorises the upload). Uploads are not retried: a failure fails
 * the call that needed the upload. Thread-safe; two calls needing the same payload share one upload.
 */
public final class GeminiFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An upload is used until this long before Gemini deletes it. */
    static final Duration EXPIRY_MARGIN = Duration.ofHours(1);

    private final GeminiChat chat;
    private final Duration pollInterval;
    private final URI uploadEndpoint;
    private final HttpClient http;
    private final ConcurrentHashMap<Digest, CompletableFuture<GeminiFile>> uploads = new ConcurrentHashMap<>();

    GeminiFiles(GeminiChat chat, Duration pollInterval) {
        this.chat = chat;
        this.pollInterval = pollInterval;
        URI base = chat.baseUrl();
        this.uploadEndpoint = URI.create(origin(base) + "/upload" + base.getRawPath() + "/files");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Where uploads start: {@code {origin}/upload{basePath}/files}. */
    public URI uploadEndpoint() {
        return uploadEndpoint;
    }

    /**
     * The upload of this payload that is still usable, or null. Reads no payload bytes beyond its
     * digest (computed once).
     */
    public GeminiFile uploaded(Payload payload) {
        CompletableFuture<GeminiFile> f = uploads.get(payload.digest());
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) return null;
        GeminiFile file = f.join();
        return usable(file) ? file : null;
    }

    /**
     * The upload of this payload, uploading it first (and waiting until it is {@code ACTIVE}) if this
     * client has none that is still usable.
     *
     * @throws LmException if the upload or the processing fails
     */
    public GeminiFile ensureUploaded(Payload payload) {
        Digest d = payload.digest();
        while (true) {
            CompletableFuture<GeminiFile> mine = new CompletableFuture<>();
            CompletableFuture<GeminiFile> existing = uploads.putIfAbsent(d, mine);
            if (existing == null) {
                try {
                    GeminiFile f = awaitActive(upload(payload, "dspy4j-" + d.hex().substring(0, 16)));
                    mine.complete(f);
                    return f;
                } catch (RuntimeException e) {
                    uploads.remove(d, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
            GeminiFile f;
            try {
                f = existing.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LmException(chat.whereFiles() + ": interrupted while waiting for an upload", 0, null, e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new LmException(chat.whereFiles() + ": upload failed: " + e.getCause(), 0, null, e.getCause());
            }
            if (usable(f)) return f;
            uploads.remove(d, existing); // expired: upload again
        }
    }

    private static boolean usable(GeminiFile f) {
        return f.isActive() && (f.expiration() == null || f.expiration().isAfter(Instant.now().plus(EXPIRY_MARGIN)));
    }

    /**
     * Uploads a payload (one resumable session: start, then the bytes streamed from the payload).
     *
     * @param displayName the name Gemini shows for it
     * @throws LmException for an HTTP error or a malformed answer
     */
    public GeminiFile upload(Payload payload, String displayName) {
        Objects.requireNonNull(payload, "payload");
        String type = GeminiCodec.wireType(payload.mediaType());
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("file").put("display_name", displayName);
        HttpRequest.Builder start = HttpRequest.newBuilder(uploadEndpoint).timeout(chat.timeout())
                .header("X-Goog-Upload-Protocol", "resumable")
                .header("X-Goog-Upload-Command", "start")
                .header("X-Goog-Upload-Header-Content-Length", Long.toString(payload.size()))
                .header("X-Goog-Upload-Header-Content-Type", type)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(meta.toString()));
        chat.authenticateUpload(start);
        HttpResponse<byte[]> started = send(start.build(), "starting an upload of " + payload.describe());
        String url = started.headers().firstValue("X-Goog-Upload-URL").orElse(null);
        if (url == null) {
            throw new LmException(chat.whereFiles() + ": the upload start answered HTTP " + started.statusCode()
                    + " without an X-Goog-Upload-URL header", started.statusCode(), null, null);
        }
        URI target;
        try {
            target = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new LmException(chat.whereFiles() + ": the upload URL is not a URL", started.statusCode(), null, e);
        }
        HttpRequest.Builder put = HttpRequest.newBuilder(target).timeout(chat.timeout())
                .header("X-Goog-Upload-Command", "upload, finalize")
                .header("X-Goog-Upload-Offset", "0")
                .header("Content-Type", type)
                // streamed from the payload with its exact length: no copy of the bytes is made
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(payload::openStream), payload.size()));
        if (origin(target).equalsIgnoreCase(origin(chat.baseUrl()))) chat.authenticateUpload(put);
        HttpResponse<byte[]> done = send(put.build(), "uploading " + payload.describe());
        return parseFile(json(done).path("file"), done.statusCode());
    }

    /**
     * The file's current state ({@code GET {baseUrl}/files/{id}}).
     *
     * @param name the resource name, {@code files/abc123}
     */
    public GeminiFile get(String name) {
        if (!name.matches("files/[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("'" + name + "' is not a Gemini file name (files/<id>)");
        }
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(chat.baseUrl() + "/" + name)).timeout(chat.timeout()).GET();
        chat.authenticateUpload(rb);
        HttpResponse<byte[]> r = send(rb.build(), "reading " + name);
        return parseFile(json(r), r.statusCode());
    }

    private GeminiFile awaitActive(GeminiFile f) {
        Instant deadline = Instant.now().plus(chat.timeout());
        while ("PROCESSING".equals(f.state())) {
            if (Instant.now().isAfter(deadline)) {
                throw new LmException(chat.whereFiles() + ": " + f.name() + " was still PROCESSING after " + chat.timeout(), 0, null, null);
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LmException(chat.whereFiles() + ": interrupted while " + f.name() + " was processing", 0, null, e);
            }
            f = get(f.name());
        }
        if (!f.isActive()) {
            throw new LmException(chat.whereFiles() + ": " + f.name() + " is " + f.state() + ", not ACTIVE; Gemini could not"
                    + " process it", 0, null, null);
        }
        return f;
    }

    private HttpResponse<byte[]> send(HttpRequest request, String what) {
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new LmException(chat.whereFiles() + ": " + what + " failed: " + chat.redactText(String.valueOf(e.getMessage())), 0, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LmException(chat.whereFiles() + ": interrupted while " + what, 0, null, e);
        }
        int status = r.statusCode();
        if (status / 100 == 2) return r;
        String body = new String(r.body(), 0, Math.min(r.body().length, 1000), StandardCharsets.UTF_8);
        String message = body;
        try {
            JsonNode e = JSON.readTree(r.body()).path("error");
            if (e.path("message").isTextual()) message = e.path("message").asText();
        } catch (IOException notJson) {
            // keep the raw text
        }
        message = chat.redactText(message);
        String msg = chat.whereFiles() + ": " + what + " answered HTTP " + status + ": " + message;
        if (status == 401 || status == 403) throw new AuthenticationException(msg, status, message, null);
        if (status == 429) throw new RateLimitException(msg, status, message, null, null);
        if (status >= 500) throw new ServerException(msg, status, message, null);
        throw new BadRequestException(msg, status, message, null);
    }

    private JsonNode json(HttpResponse<byte[]> r) {
        try {
            JsonNode n = JSON.readTree(r.body());
            if (n != null && n.isObject()) return n;
        } catch (IOException e) {
            // reported below
        }
        throw new LmException(chat.whereFiles() + ": the answer (HTTP " + r.statusCode() + ") is not a JSON object", r.statusCode(), null, null);
    }

    private GeminiFile parseFile(JsonNode f, int status) {
        String name = f.path("name").asText(null);
        String uri = f.path("uri").asText(null);
        if (name == null || uri == null) {
            throw new LmException(chat.whereFiles() + ": the answer (HTTP " + status + ") has no file name and uri", status, null, null);
        }
        Instant expiration = null;
        if (f.path("expirationTime").isTextual()) {
            try {
                expiration = Instant.parse(f.path("expirationTime").asText());
            } catch (java.time.format.DateTimeParseException e) {
                expiration = null;
            }
        }
        return new GeminiFile(name, uri, f.path("mimeType").asText(null), f.path("sizeBytes").asLong(-1),
                f.path("state").asText(null), expiration);
    }

    private static String origin(URI u) {
        return u.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + u.getRawAuthority();
    }
}
