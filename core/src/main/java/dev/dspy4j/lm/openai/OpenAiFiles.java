package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.http.ApiRequests;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.http.Multipart;
import dev.dspy4j.lm.upload.FilesApi;
import dev.dspy4j.lm.upload.RemoteFile;
import dev.dspy4j.lm.upload.UnknownFileException;
import dev.dspy4j.lm.upload.Uploads;
import dev.dspy4j.media.Payload;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * OpenAI's Files API ({@code {baseUrl}/files}) with the credentials of an OpenAI client:
 * {@code POST /files} (multipart: {@code purpose}, optional {@code expires_after[anchor]=created_at}
 * and {@code expires_after[seconds]}, then {@code file}), {@code GET /files} (all pages),
 * {@code GET /files/{id}}, {@code DELETE /files/{id}}, {@code GET /files/{id}/content}.
 *
 * <pre>{@code
 * OpenAiFiles files = OpenAiFiles.of(OpenAiChat.builder().model("gpt-4o-mini").apiKeyFromEnv().build());
 * RemoteFile f = files.upload(Payload.of(Path.of("report.pdf")), "report.pdf", OpenAiFiles.USER_DATA);
 * RemoteFile in = files.upload("batch.jsonl", OpenAiFiles.BATCH, "application/jsonl", out -> writeLines(out));
 * try (InputStream results = files.content(outputFileId)) { ... }
 * }</pre>
 *
 * <p>Uploads stream from their source: a payload is read from its stream while the body is sent (never
 * copied onto the heap; exact {@code Content-Length}), written content runs its writer into a bounded
 * pipe (sent chunked). Purposes (OpenAI's API reference): {@code user_data} for model inputs (what
 * {@link #upload(Payload, String)} uses), {@code batch} for Batch API input; also {@code assistants},
 * {@code fine-tune}, {@code vision}, {@code evals}. Files are kept until deleted, except {@code batch}
 * files (30 days) and those given an expiry (1 hour to 30 days after creation). An id OpenAI does not
 * know throws {@link UnknownFileException}. Retries, timeout and errors are the client's
 * ({@link ApiRequests}). Thread-safe.
 */
public final class OpenAiFiles implements FilesApi {
    /** The purpose of files used as model inputs. */
    public static final String USER_DATA = "user_data";
    /** The purpose of Batch API input files. */
    public static final String BATCH = "batch";
    /** The shortest expiry OpenAI takes. */
    public static final Duration MIN_EXPIRY = Duration.ofHours(1);
    /** The longest expiry OpenAI takes. */
    public static final Duration MAX_EXPIRY = Duration.ofDays(30);

    private final ApiRequests api;
    private final URI files;
    private final String account;

    private OpenAiFiles(HttpLanguageModel client) {
        this.api = ApiRequests.of(client, "OpenAI Files API", null);
        this.files = api.resolve("/files");
        this.account = Uploads.account(client.baseUrl());
    }

    /**
     * {@return the Files API of the account {@code client} calls (its base URL, key, timeout, retries)}
     *
     * @param client an {@link OpenAiChat}, {@link OpenAiResponses}, or any client speaking OpenAI's
     *     protocol with a bearer key
     */
    public static OpenAiFiles of(HttpLanguageModel client) {
        return new OpenAiFiles(Objects.requireNonNull(client, "client"));
    }

    @Override
    public String provider() {
        return "openai";
    }

    @Override
    public String account() {
        return account;
    }

    /** Uploads a payload with purpose {@value #USER_DATA}, kept until deleted. */
    @Override
    public RemoteFile upload(Payload payload, String filename) {
        return upload(payload, filename, USER_DATA, null);
    }

    /**
     * Uploads a payload with a purpose, kept until deleted (or 30 days for {@value #BATCH}).
     *
     * @param payload the content, streamed from it
     * @param filename the name OpenAI records
     * @param purpose OpenAI's purpose, e.g. {@value #USER_DATA} or {@value #BATCH}
     * @return the file as OpenAI describes it
     * @throws dev.dspy4j.lm.LmException (or a typed subclass) if OpenAI refuses it or cannot be reached
     */
    public RemoteFile upload(Payload payload, String filename, String purpose) {
        return upload(payload, filename, purpose, null);
    }

    /**
     * Uploads a payload, streamed from it.
     *
     * @param payload the content
     * @param filename the name OpenAI records
     * @param purpose OpenAI's purpose, e.g. {@value #USER_DATA} or {@value #BATCH}
     * @param expiresAfter when OpenAI deletes it, counted from its creation (1 hour to 30 days), or null
     * @throws IllegalArgumentException for a blank name or purpose, or an expiry out of range
     * @return the file as OpenAI describes it
     * @throws dev.dspy4j.lm.LmException (or a typed subclass) if OpenAI refuses it or cannot be reached
     */
    public RemoteFile upload(Payload payload, String filename, String purpose, Duration expiresAfter) {
        Objects.requireNonNull(payload, "payload");
        Multipart.Builder body = form(filename, purpose, expiresAfter);
        body.file("file", filename, payload.mediaType().value(), payload);
        return parse(api.postMultipart(
                files,
                body.build(),
                "uploading " + filename + " (" + payload.size() + " bytes, " + payload.mediaType() + ")"));
    }

    /**
     * Uploads content written while it is sent (e.g. a batch's JSONL lines, each built by a codec), in
     * chunked transfer encoding. {@code writer} runs once per attempt and must write the same bytes each time.
     *
     * @param filename the name OpenAI records
     * @param purpose OpenAI's purpose, e.g. {@value #BATCH}
     * @param contentType the file part's type, e.g. {@code application/jsonl}
     * @param writer writes the content
     * @return the file as OpenAI describes it
     * @throws dev.dspy4j.lm.LmException (or a typed subclass) if OpenAI refuses it or cannot be reached
     */
    public RemoteFile upload(String filename, String purpose, String contentType, Multipart.ContentWriter writer) {
        Objects.requireNonNull(writer, "writer");
        Objects.requireNonNull(contentType, "contentType");
        Multipart.Builder body = form(filename, purpose, null);
        body.file("file", filename, contentType, writer);
        return parse(api.postMultipart(files, body.build(), "uploading " + filename));
    }

    private static Multipart.Builder form(String filename, String purpose, Duration expiresAfter) {
        if (filename == null || filename.isBlank())
            throw new IllegalArgumentException("an upload needs a file name, not '" + filename + "'");
        if (purpose == null || purpose.isBlank()) {
            throw new IllegalArgumentException(
                    "an upload needs a purpose (user_data for model inputs, batch for Batch API" + " input), not '"
                            + purpose + "'");
        }
        Multipart.Builder body = Multipart.builder().field("purpose", purpose);
        if (expiresAfter != null) {
            if (expiresAfter.compareTo(MIN_EXPIRY) < 0 || expiresAfter.compareTo(MAX_EXPIRY) > 0) {
                throw new IllegalArgumentException(
                        "expiresAfter must be from 1 hour to 30 days (OpenAI's limits), not " + expiresAfter);
            }
            body.field("expires_after[anchor]", "created_at")
                    .field("expires_after[seconds]", Long.toString(expiresAfter.toSeconds()));
        }
        return body;
    }

    @Override
    public RemoteFile get(String id) {
        try {
            return parse(api.get(fileUri(id, ""), "reading file " + id));
        } catch (BadRequestException e) {
            throw unknown(e, id);
        }
    }

    @Override
    public boolean delete(String id) {
        try {
            JsonNode r = api.delete(fileUri(id, ""), "deleting file " + id);
            return !r.has("deleted") || r.path("deleted").asBoolean(true);
        } catch (BadRequestException e) {
            if (e.status() == 404) return false;
            throw e;
        }
    }

    /**
     * {@return the file's content, streamed; the caller closes the stream}
     *
     * @param id the file id
     * @throws UnknownFileException if OpenAI does not know the id
     */
    public InputStream content(String id) {
        try {
            return api.download(fileUri(id, "/content"), "downloading file " + id);
        } catch (BadRequestException e) {
            throw unknown(e, id);
        }
    }

    @Override
    public List<RemoteFile> list() {
        return list(null);
    }

    /**
     * {@return every file of the account with this purpose, following {@code has_more} pages}
     *
     * @param purpose e.g. {@value #BATCH}, or null for all files
     */
    public List<RemoteFile> list(String purpose) {
        List<RemoteFile> out = new ArrayList<>();
        String after = null;
        while (true) {
            StringBuilder q = new StringBuilder("?limit=10000");
            if (purpose != null) q.append("&purpose=").append(URLEncoder.encode(purpose, StandardCharsets.UTF_8));
            if (after != null) q.append("&after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
            JsonNode page = api.get(URI.create(files + q.toString()), "listing files");
            JsonNode data = page.path("data");
            if (!data.isArray()) throw new LmException(this + ": the file list has no \"data\" array", 200, null, null);
            for (JsonNode f : data) out.add(parse(f));
            if (!page.path("has_more").asBoolean(false) || data.isEmpty()) return out;
            String last = page.path("last_id").asText(null);
            after = last != null ? last : data.get(data.size() - 1).path("id").asText();
        }
    }

    private URI fileUri(String id, String suffix) {
        if (id == null || !id.matches("[A-Za-z0-9_.:-]{1,200}")) {
            throw new IllegalArgumentException("'" + id
                    + "' is not an OpenAI file id (letters, digits, '_', '-', '.', ':';" + " e.g. file-abc123)");
        }
        return URI.create(files + "/" + id + suffix);
    }

    private static RuntimeException unknown(BadRequestException e, String id) {
        if (e.status() != 404) return e;
        return new UnknownFileException(e.getMessage(), id, e.status(), e.providerMessage(), e);
    }

    private RemoteFile parse(JsonNode f) {
        String id = f.path("id").asText(null);
        if (id == null || id.isBlank())
            throw new LmException(this + ": the answer describes no file (no \"id\")", 200, null, null);
        return new RemoteFile(
                id,
                f.path("filename").asText(null),
                f.path("bytes").asLong(-1),
                null,
                f.path("purpose").asText(null),
                seconds(f.path("created_at")),
                seconds(f.path("expires_at")));
    }

    private static Instant seconds(JsonNode n) {
        return n.isNumber() ? Instant.ofEpochSecond(n.asLong()) : null;
    }

    @Override
    public String toString() {
        return "OpenAI Files API at " + account + "/files";
    }
}
