package dev.dspy4j.lm.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.AuthenticationException;
import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.RateLimitException;
import dev.dspy4j.lm.ServerException;
import dev.dspy4j.lm.upload.FilesApi;
import dev.dspy4j.lm.upload.MemoryUploadRegistry;
import dev.dspy4j.lm.upload.Upload;
import dev.dspy4j.lm.upload.UploadRegistry;
import dev.dspy4j.media.Payload;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Gemini Files API of one {@link GeminiChat}'s account: uploads with Google's resumable upload
 * protocol, streamed from the payload (never held in memory), recorded in an {@link UploadRegistry}
 * (the client's {@code uploads(...)} registry, else one of its own in memory) keyed by payload digest,
 * so a payload is uploaded once per account until an hour before Gemini deletes it (files live 48
 * hours). The registry records a file by its URI, which requests refer to; its name
 * ({@code files/{id}}) is the URI's last two segments.
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

    private final GeminiChat chat;
    private final URI uploadEndpoint;
    private final HttpClient http;
    private final UploadRegistry registry;
    private final GeminiFilesApi api;

    GeminiFiles(GeminiChat chat, Duration pollInterval, UploadRegistry registry) {
        this.chat = chat;
        this.registry = registry != null ? registry : new MemoryUploadRegistry();
        this.api = new GeminiFilesApi(this, chat, pollInterval);
        URI base = chat.baseUrl();
        this.uploadEndpoint = URI.create(origin(base) + "/upload" + base.getRawPath() + "/files");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** {@return where uploads start: {@code {origin}/upload{basePath}/files}} */
    public URI uploadEndpoint() {
        return uploadEndpoint;
    }

    /**
     * {@return this account's Files API in the shape {@link UploadRegistry} and {@code dspy4j files} use
     * (ids are file URIs; an upload waits until the file is {@code ACTIVE})}
     */
    public FilesApi asFilesApi() {
        return api;
    }

    /** {@return the registry uploads are recorded in (the client's, else this object's own in memory)} */
    public UploadRegistry registry() {
        return registry;
    }

    /**
     * {@return the upload of this payload that is still usable, or null}. Reads no payload bytes beyond
     * its digest (computed once).
     *
     * @param payload the payload, found by its digest
     */
    public GeminiFile uploaded(Payload payload) {
        Upload u = registry.find(key(payload));
        return u == null ? null : fromRecord(u, payload);
    }

    /**
     * The upload of this payload, uploading it first (and waiting until it is {@code ACTIVE}) if the
     * registry has none that is still usable; threads (and processes sharing a disk registry) needing
     * the same payload make one upload.
     *
     * @param payload the payload to upload (streamed, not copied), found by its digest
     * @return the file, {@code ACTIVE}
     * @throws LmException if the upload or the processing fails
     */
    public GeminiFile ensureUploaded(Payload payload) {
        Upload u =
                registry.ensure(api, payload, "dspy4j-" + payload.digest().hex().substring(0, 16));
        return fromRecord(u, payload);
    }

    private Upload.Key key(Payload payload) {
        return new Upload.Key(api.provider(), api.account(), payload.digest());
    }

    private static GeminiFile fromRecord(Upload u, Payload payload) {
        return new GeminiFile(
                nameOf(u.fileId()),
                u.fileId(),
                GeminiCodec.wireType(payload.mediaType()),
                u.bytes(),
                "ACTIVE",
                u.expires());
    }

    /** The file a request refers to for a payload uploaded as {@code uri}. */
    static GeminiFile referenced(String uri, Payload payload) {
        return new GeminiFile(
                nameOf(uri), uri, GeminiCodec.wireType(payload.mediaType()), payload.size(), "ACTIVE", null);
    }

    /** {@code files/abc} from {@code https://.../v1beta/files/abc} (or a name as given). */
    static String nameOf(String uriOrName) {
        int i = uriOrName.lastIndexOf("/files/");
        return i < 0 ? uriOrName : uriOrName.substring(i + 1);
    }

    /**
     * Uploads a payload (one resumable session: start, then the bytes streamed from the payload).
     *
     * @param payload     the bytes, streamed with their exact length
     * @param displayName the name Gemini shows for it
     * @return the file as Gemini answered (possibly still {@code PROCESSING})
     * @throws LmException for an HTTP error or a malformed answer
     */
    public GeminiFile upload(Payload payload, String displayName) {
        Objects.requireNonNull(payload, "payload");
        String type = GeminiCodec.wireType(payload.mediaType());
        ObjectNode meta = JSON.createObjectNode();
        meta.putObject("file").put("display_name", displayName);
        HttpRequest.Builder start = HttpRequest.newBuilder(uploadEndpoint)
                .timeout(chat.timeout())
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
            throw new LmException(
                    chat.whereFiles() + ": the upload start answered HTTP " + started.statusCode()
                            + " without an X-Goog-Upload-URL header",
                    started.statusCode(),
                    null,
                    null);
        }
        URI target;
        try {
            target = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new LmException(chat.whereFiles() + ": the upload URL is not a URL", started.statusCode(), null, e);
        }
        HttpRequest.Builder put = HttpRequest.newBuilder(target)
                .timeout(chat.timeout())
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
     * @return the file as Gemini describes it now
     * @throws IllegalArgumentException if {@code name} is not {@code files/<id>}
     * @throws LmException              for an HTTP error (a {@link BadRequestException} with status 404 for
     *                                  an unknown file) or a malformed answer
     */
    public GeminiFile get(String name) {
        checkName(name);
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(chat.baseUrl() + "/" + name))
                .timeout(chat.timeout())
                .GET();
        chat.authenticateUpload(rb);
        HttpResponse<byte[]> r = send(rb.build(), "reading " + name);
        return parseFile(json(r), r.statusCode());
    }

    /**
     * Deletes a file ({@code DELETE {baseUrl}/files/{id}}).
     *
     * @param name the resource name, {@code files/abc123}
     * @return true if it was deleted, false if Gemini does not know it
     * @throws IllegalArgumentException if {@code name} is not {@code files/<id>}
     * @throws LmException              for any other HTTP error
     */
    public boolean delete(String name) {
        checkName(name);
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(chat.baseUrl() + "/" + name))
                .timeout(chat.timeout())
                .DELETE();
        chat.authenticateUpload(rb);
        try {
            send(rb.build(), "deleting " + name);
            return true;
        } catch (BadRequestException e) {
            if (e.status() == 404) return false;
            throw e;
        }
    }

    /**
     * {@return every file of the account ({@code GET {baseUrl}/files}, all pages of 100)}
     *
     * @throws LmException for an HTTP error or a malformed answer
     */
    public List<GeminiFile> list() {
        List<GeminiFile> out = new ArrayList<>();
        String token = null;
        do {
            String q = "?pageSize=100"
                    + (token == null ? "" : "&pageToken=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8));
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(chat.baseUrl() + "/files" + q))
                    .timeout(chat.timeout())
                    .GET();
            chat.authenticateUpload(rb);
            HttpResponse<byte[]> r = send(rb.build(), "listing files");
            JsonNode page = json(r);
            for (JsonNode f : page.path("files")) out.add(parseFile(f, r.statusCode()));
            token = page.path("nextPageToken").asText(null);
            if (token != null && token.isEmpty()) token = null;
        } while (token != null);
        return out;
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("files/[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("'" + name + "' is not a Gemini file name (files/<id>)");
        }
    }

    private HttpResponse<byte[]> send(HttpRequest request, String what) {
        HttpResponse<byte[]> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new LmException(
                    chat.whereFiles() + ": " + what + " failed: " + chat.redactText(String.valueOf(e.getMessage())),
                    0,
                    null,
                    e);
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
        throw new LmException(
                chat.whereFiles() + ": the answer (HTTP " + r.statusCode() + ") is not a JSON object",
                r.statusCode(),
                null,
                null);
    }

    private GeminiFile parseFile(JsonNode f, int status) {
        String name = f.path("name").asText(null);
        String uri = f.path("uri").asText(null);
        if (name == null || uri == null) {
            throw new LmException(
                    chat.whereFiles() + ": the answer (HTTP " + status + ") has no file name and uri",
                    status,
                    null,
                    null);
        }
        Instant expiration = null;
        if (f.path("expirationTime").isTextual()) {
            try {
                expiration = Instant.parse(f.path("expirationTime").asText());
            } catch (java.time.format.DateTimeParseException e) {
                expiration = null;
            }
        }
        return new GeminiFile(
                name,
                uri,
                f.path("mimeType").asText(null),
                f.path("sizeBytes").asLong(-1),
                f.path("state").asText(null),
                expiration);
    }

    private static String origin(URI u) {
        return u.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + u.getRawAuthority();
    }
}
