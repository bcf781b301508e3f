package dev.dspy4j.testing;

import static dev.dspy4j.testing.ApiReplies.anthropicError;
import static dev.dspy4j.testing.ApiReplies.drain;
import static dev.dspy4j.testing.ApiReplies.openAiError;
import static dev.dspy4j.testing.ApiReplies.readAll;
import static dev.dspy4j.testing.ApiReplies.reply;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Files API of a {@link LoopbackChatServer} ({@code server.files()}): OpenAI's and Anthropic's
 * {@code POST .../files} (multipart: {@code purpose}, {@code expires_after[anchor]},
 * {@code expires_after[seconds]}, {@code file}), {@code GET .../files} (list), {@code GET .../files/{id}},
 * {@code DELETE .../files/{id}} and {@code GET .../files/{id}/content}. A request with an
 * {@code anthropic-version} header is answered in Anthropic's shapes (ids {@code file_...},
 * {@code size_bytes}, RFC 3339 {@code created_at}), any other in OpenAI's (ids {@code file-...},
 * {@code bytes}, epoch-second {@code created_at} and {@code expires_at}).
 *
 * <p>Model requests that refer to a file id ({@code "file_id":"..."}) the store does not hold (never
 * uploaded, deleted, expired, or {@linkplain #forget forgotten}) are answered 404, as providers answer
 * for an expired upload. Upload bodies are counted ({@link #uploadCount()}, {@link #uploadBytes()})
 * apart from model requests. A file's content is kept only for purposes {@code batch} and
 * {@code batch_output} and for files {@linkplain #put put} by the server itself (so a benchmark can
 * upload hundreds of megabytes without the server holding them); {@code content} of another file is
 * answered 400, as Anthropic answers for uploaded files. Thread-safe.
 */
public final class LoopbackFiles {
    private static final Pattern FILES_PATH = Pattern.compile(".*/files(?:/([^/]+)(/content)?)?");
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");

    /**
     * A stored file.
     *
     * @param id        its id
     * @param filename  the name it was uploaded with
     * @param bytes     its size
     * @param mediaType the file part's content type
     * @param purpose   the purpose field (null for Anthropic uploads)
     * @param created   when it was stored
     * @param expires   when it expires, or null
     * @param content   its bytes if kept, else null
     */
    @SuppressWarnings(
            "ArrayRecordComponent") // the uploaded bytes as received, handed out without a copy; never compared
    public record StoredFile(
            String id,
            String filename,
            long bytes,
            String mediaType,
            String purpose,
            Instant created,
            Instant expires,
            byte[] content) {}

    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger uploads = new AtomicInteger();
    private final AtomicLong uploadBytes = new AtomicLong();
    private final AtomicInteger deletes = new AtomicInteger();
    private volatile boolean used;
    private final Duration uploadDelay;

    LoopbackFiles(Duration uploadDelay) {
        this.uploadDelay = uploadDelay == null ? Duration.ZERO : uploadDelay;
    }

    /** {@return uploads accepted so far ({@code POST .../files} answered 200)} */
    public int uploadCount() {
        return uploads.get();
    }

    /** {@return body bytes of all upload requests so far (multipart framing included), accepted or not} */
    public long uploadBytes() {
        return uploadBytes.get();
    }

    /** {@return files deleted so far through {@code DELETE .../files/{id}}} */
    public int deleteCount() {
        return deletes.get();
    }

    /** {@return a new list of the files stored now, oldest first (an expired file stays listed until a request asks for it)} */
    public List<StoredFile> list() {
        List<StoredFile> out = new ArrayList<>(files.values());
        out.sort(Comparator.comparing(StoredFile::created).thenComparing(StoredFile::id));
        return out;
    }

    /**
     * {@return the stored file with this id, or null}
     *
     * @param id a file id, as the upload's answer gave it
     */
    public StoredFile get(String id) {
        return files.get(id);
    }

    /**
     * Forgets a file, as a provider does when it expires: requests referring to it are answered 404
     * from now on, and so are {@code GET}, {@code DELETE} and {@code content}.
     *
     * @param id the file's id
     * @return true if it was stored
     */
    public boolean forget(String id) {
        return files.remove(id) != null;
    }

    /** Forgets every file. */
    public void forgetAll() {
        files.clear();
    }

    /**
     * Stores a file as the server makes one (a batch's output), its content kept, as
     * {@code application/jsonl}.
     *
     * @param filename the file's name
     * @param purpose  its purpose, e.g. {@code batch_output}
     * @param content  its bytes, copied
     * @return its new id ({@code file-} and 24 digits)
     */
    public String put(String filename, String purpose, byte[] content) {
        used = true;
        String id = "file-" + String.format("%024d", ids.incrementAndGet());
        files.put(
                id,
                new StoredFile(
                        id,
                        filename,
                        content.length,
                        "application/jsonl",
                        purpose,
                        Instant.now(),
                        null,
                        content.clone()));
        return id;
    }

    /** Clears the counters (not the stored files). */
    public void reset() {
        uploads.set(0);
        uploadBytes.set(0);
        deletes.set(0);
    }

    /** True once anything was uploaded or put, so model requests are scanned for file ids. */
    boolean inUse() {
        return used;
    }

    static boolean isFilesPath(String path) {
        return FILES_PATH.matcher(path).matches();
    }

    /** The first of {@code referenced} that is not stored (or has expired), or null. */
    String firstUnknown(Collection<String> referenced) {
        Instant now = Instant.now();
        for (String id : referenced) {
            StoredFile f = files.get(id);
            if (f == null || (f.expires() != null && !f.expires().isAfter(now))) return id;
        }
        return null;
    }

    /** The 404 a provider gives for a request that refers to an unknown file. */
    static String unknownFileError(String id, boolean anthropic) throws IOException {
        return anthropic
                ? anthropicError("not_found_error", "File not found: " + id)
                : openAiError("No such File object: " + id, "invalid_request_error", "file_id");
    }

    void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        boolean anthropic = ex.getRequestHeaders().containsKey("anthropic-version");
        Matcher m = FILES_PATH.matcher(path);
        if (!m.matches()) throw new IllegalStateException(path);
        String id = m.group(1);
        boolean content = m.group(2) != null;
        if (id == null && "POST".equals(method)) {
            upload(ex, anthropic);
            return;
        }
        drain(ex);
        if (id == null && "GET".equals(method)) {
            reply(ex, 200, FileObjects.list(live(), anthropic));
            return;
        }
        StoredFile f = id == null ? null : live(id);
        if (id == null || (!"GET".equals(method) && !"DELETE".equals(method)) || (content && !"GET".equals(method))) {
            reply(
                    ex,
                    405,
                    anthropic
                            ? anthropicError("invalid_request_error", "method " + method + " not allowed on " + path)
                            : openAiError(
                                    "method " + method + " not allowed on " + path, "invalid_request_error", null));
            return;
        }
        if (f == null) {
            reply(
                    ex,
                    404,
                    anthropic
                            ? anthropicError("not_found_error", "File not found: " + id)
                            : openAiError("No such File object: " + id, "invalid_request_error", "id"));
            return;
        }
        if ("DELETE".equals(method)) {
            files.remove(id);
            deletes.incrementAndGet();
            reply(ex, 200, FileObjects.deleted(id, anthropic));
        } else if (content) {
            if (f.content() == null) {
                reply(
                        ex,
                        400,
                        anthropic
                                ? anthropicError("invalid_request_error", "File " + id + " is not downloadable")
                                : openAiError(
                                        "Not allowed to download files of purpose: " + f.purpose(),
                                        "invalid_request_error",
                                        null));
                return;
            }
            ex.getResponseHeaders()
                    .set("Content-Type", f.mediaType() == null ? "application/octet-stream" : f.mediaType());
            ex.sendResponseHeaders(200, f.content().length == 0 ? -1 : f.content().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(f.content());
            }
        } else {
            reply(ex, 200, FileObjects.describe(f, anthropic));
        }
    }

    /** The files stored now that have not expired, oldest first. */
    private List<StoredFile> live() {
        List<StoredFile> all = list();
        all.removeIf(f -> live(f.id()) == null);
        return all;
    }

    private StoredFile live(String id) {
        StoredFile f = files.get(id);
        if (f != null && f.expires() != null && !f.expires().isAfter(Instant.now())) {
            files.remove(id, f);
            return null;
        }
        return f;
    }

    private void upload(HttpExchange ex, boolean anthropic) throws IOException {
        used = true;
        byte[] body = readAll(ex);
        uploadBytes.addAndGet(body.length);
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        Matcher b = type == null ? null : BOUNDARY.matcher(type);
        if (type == null || !type.startsWith("multipart/form-data") || !b.find()) {
            reply(
                    ex,
                    400,
                    anthropic
                            ? anthropicError("invalid_request_error", "expected multipart/form-data with a boundary")
                            : openAiError(
                                    "expected multipart/form-data with a boundary, got " + type,
                                    "invalid_request_error",
                                    null));
            return;
        }
        Map<String, MultipartForm.FormPart> parts;
        try {
            parts = MultipartForm.parse(body, b.group(1));
        } catch (IllegalArgumentException e) {
            reply(
                    ex,
                    400,
                    anthropic
                            ? anthropicError("invalid_request_error", e.getMessage())
                            : openAiError(e.getMessage(), "invalid_request_error", null));
            return;
        }
        MultipartForm.FormPart file = parts.get("file");
        String purpose = parts.containsKey("purpose") ? parts.get("purpose").text() : null;
        String problem = file == null || file.filename() == null
                ? "the form has no file part named 'file' with a filename"
                : !anthropic && purpose == null ? "the form has no 'purpose' field" : null;
        if (problem != null) {
            reply(
                    ex,
                    400,
                    anthropic
                            ? anthropicError("invalid_request_error", problem)
                            : openAiError(
                                    problem,
                                    "invalid_request_error",
                                    problem.contains("purpose") ? "purpose" : "file"));
            return;
        }
        Instant created = Instant.now();
        Instant expires = null;
        if (parts.containsKey("expires_after[seconds]")) {
            expires = created.plusSeconds(
                    Long.parseLong(parts.get("expires_after[seconds]").text()));
        } else if ("batch".equals(purpose)) {
            expires = created.plus(Duration.ofDays(30));
        }
        if (!uploadDelay.isZero()) {
            try {
                Thread.sleep(uploadDelay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean keep = "batch".equals(purpose) || "batch_output".equals(purpose);
        String id = (anthropic ? "file_" : "file-") + String.format("%024d", ids.incrementAndGet());
        StoredFile f = new StoredFile(
                id,
                file.filename(),
                file.length(),
                file.contentType(),
                purpose,
                created,
                expires,
                keep ? file.bytes(body) : null);
        files.put(id, f);
        uploads.incrementAndGet();
        reply(ex, 200, FileObjects.describe(f, anthropic));
    }
}
