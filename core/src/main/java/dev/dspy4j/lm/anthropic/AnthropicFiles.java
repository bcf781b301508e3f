package dev.dspy4j.lm.anthropic;

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
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Anthropic's Files API (beta, header {@code anthropic-beta: files-api-2025-04-14}) with the credentials
 * of an {@link AnthropicChat}: {@code POST /v1/files} (multipart, one part {@code file}),
 * {@code GET /v1/files} (all pages, {@code after_id}), {@code GET /v1/files/{id}},
 * {@code DELETE /v1/files/{id}}. Files are kept until deleted; messages refer to one as
 * {@code {"type":"image"|"document","source":{"type":"file","file_id":...}}}.
 *
 * <p>The upload streams from the payload (exact {@code Content-Length}, no copy on the heap). An id
 * Anthropic does not know throws {@link UnknownFileException}. Retries, timeout and errors are the
 * client's ({@link ApiRequests}). Thread-safe.
 */
public final class AnthropicFiles implements FilesApi {
    private final ApiRequests api;
    private final URI files;
    private final String account;

    private AnthropicFiles(HttpLanguageModel client) {
        this.api = ApiRequests.of(
                client, "Anthropic Files API", rb -> rb.header("anthropic-beta", AnthropicCodec.FILES_API_BETA));
        this.files = api.resolve("/v1/files");
        this.account = Uploads.account(client.baseUrl());
    }

    /**
     * {@return the Files API of the account {@code client} calls (its base URL, key, {@code anthropic-version},
     * timeout and retries)}
     *
     * @param client the chat client whose account holds the files; not null
     */
    public static AnthropicFiles of(AnthropicChat client) {
        return new AnthropicFiles(Objects.requireNonNull(client, "client"));
    }

    @Override
    public String provider() {
        return "anthropic";
    }

    @Override
    public String account() {
        return account;
    }

    @Override
    public RemoteFile upload(Payload payload, String filename) {
        Objects.requireNonNull(payload, "payload");
        if (filename == null || filename.isBlank())
            throw new IllegalArgumentException("an upload needs a file name, not '" + filename + "'");
        Multipart body = Multipart.builder()
                .file("file", filename, payload.mediaType().value(), payload)
                .build();
        return parse(api.postMultipart(
                files, body, "uploading " + filename + " (" + payload.size() + " bytes, " + payload.mediaType() + ")"));
    }

    @Override
    public RemoteFile get(String id) {
        try {
            return parse(api.get(fileUri(id), "reading file " + id));
        } catch (BadRequestException e) {
            if (e.status() != 404) throw e;
            throw new UnknownFileException(e.getMessage(), id, e.status(), e.providerMessage(), e);
        }
    }

    @Override
    public boolean delete(String id) {
        try {
            api.delete(fileUri(id), "deleting file " + id);
            return true;
        } catch (BadRequestException e) {
            if (e.status() == 404) return false;
            throw e;
        }
    }

    @Override
    public List<RemoteFile> list() {
        List<RemoteFile> out = new ArrayList<>();
        String after = null;
        while (true) {
            String q = "?limit=1000"
                    + (after == null ? "" : "&after_id=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            JsonNode page = api.get(URI.create(files + q), "listing files");
            JsonNode data = page.path("data");
            if (!data.isArray()) throw new LmException(this + ": the file list has no \"data\" array", 200, null, null);
            for (JsonNode f : data) out.add(parse(f));
            if (!page.path("has_more").asBoolean(false) || data.isEmpty()) return out;
            String last = page.path("last_id").asText(null);
            after = last != null ? last : data.get(data.size() - 1).path("id").asText();
        }
    }

    private URI fileUri(String id) {
        if (id == null || !id.matches("[A-Za-z0-9_.:-]{1,200}")) {
            throw new IllegalArgumentException(
                    "'" + id + "' is not an Anthropic file id (letters, digits, '_', '-', '.',"
                            + " ':'; e.g. file_011CNha8iCJcU1wXNR6q4V8w)");
        }
        return URI.create(files + "/" + id);
    }

    private RemoteFile parse(JsonNode f) {
        String id = f.path("id").asText(null);
        if (id == null || id.isBlank())
            throw new LmException(this + ": the answer describes no file (no \"id\")", 200, null, null);
        Instant created = null;
        if (f.path("created_at").isTextual()) {
            try {
                created = Instant.parse(f.path("created_at").asText());
            } catch (DateTimeParseException e) {
                created = null;
            }
        }
        return new RemoteFile(
                id,
                f.path("filename").asText(null),
                f.path("size_bytes").asLong(-1),
                f.path("mime_type").asText(null),
                null,
                created,
                null);
    }

    @Override
    public String toString() {
        return "Anthropic Files API at " + account + "/v1/files";
    }
}
