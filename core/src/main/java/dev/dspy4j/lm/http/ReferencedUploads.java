package dev.dspy4j.lm.http;

import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.upload.FilesApi;
import dev.dspy4j.lm.upload.UnknownFileException;
import dev.dspy4j.lm.upload.Upload;
import dev.dspy4j.lm.upload.UploadRegistry;
import dev.dspy4j.lm.upload.UploadRegistryException;
import dev.dspy4j.media.Digest;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP client's uploads: before a request is sent, each payload the provider takes by reference
 * ({@link HttpLanguageModel#inlineReason} null) is uploaded once through its Files API, recorded in the
 * {@link UploadRegistry}, and the codec writes its id ({@link HttpLanguageModel#uploadedId}); a payload
 * it cannot take so is sent inline, and the reason is logged once per client. When the provider answers
 * that it does not know an id (404, or a 400/403 naming the id or saying a file was not found or has
 * expired), the unknown ids are forgotten, uploaded again, and the request is retried once.
 *
 * <p>A server without a Files API (the upload answered 404 or 405) is said once and the client sends
 * inline from then on; a registry that fails is said once per failure and that call goes inline.
 * Other upload failures fail the call with the provider's error.
 */
final class ReferencedUploads {
    private static final Logger LOG = LoggerFactory.getLogger(ReferencedUploads.class);
    private static final Pattern FILE_NOT_KNOWN = Pattern.compile(
            "(file|upload)[^.]{0,80}(not found|not exist|no longer exist|does not exist|expired|unknown|no such)"
                    + "|no such file|(not found|unknown|invalid|expired)[^.]{0,20}file");

    private final HttpLanguageModel client;
    private final UploadRegistry registry;
    private final Set<String> said = ConcurrentHashMap.newKeySet();
    private volatile FilesApi files;
    private volatile boolean unavailable;

    ReferencedUploads(HttpLanguageModel client, UploadRegistry registry) {
        this.client = Objects.requireNonNull(client, "client");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    UploadRegistry registry() {
        return registry;
    }

    private FilesApi files() {
        FilesApi f = files;
        if (f == null) {
            f = client.filesApi();
            files = f;
        }
        return f;
    }

    /**
     * Uploads what the request can send by reference and is not uploaded yet; returns the ids the
     * request will use, by payload digest (empty if nothing goes by reference).
     */
    Map<Digest, String> prepare(LmRequest request) {
        Map<Digest, String> used = new LinkedHashMap<>();
        if (unavailable) return used;
        for (Message m : request.prompt().messages()) {
            for (Part part : m.parts()) {
                Payload p = part.media() == null ? null : part.media().payload();
                if (p == null || used.containsKey(p.digest())) continue;
                String why = client.inlineReason(part, p);
                if (why != null) {
                    if (!why.isEmpty() && said.add(why)) LOG.warn("{}: uploads are on, but {}", client.where(), why);
                    continue;
                }
                FilesApi api = files();
                if (api == null) {
                    say(client.where()
                            + ": uploads are on, but this client has no Files API; payloads are sent inline");
                    unavailable = true;
                    return used;
                }
                try {
                    Upload u = registry.ensure(api, p, filename(part, p));
                    used.put(p.digest(), u.fileId());
                } catch (UploadRegistryException e) {
                    say(client.where() + ": the upload registry failed (" + e.getMessage()
                            + "); this call sends its payloads inline");
                    return Map.of();
                } catch (LmException e) {
                    if (e.status() == 404 || e.status() == 405) {
                        say(client.where() + ": uploads are on, but the server has no Files API (" + api
                                + " answered HTTP " + e.status() + "); payloads are sent inline from now on");
                        unavailable = true;
                        return Map.of();
                    }
                    throw e;
                }
            }
        }
        return used;
    }

    /** The id of this payload's usable upload, or null (send it inline). */
    String idOf(Payload p) {
        if (unavailable) return null;
        FilesApi api = files();
        if (api == null) return null;
        try {
            Upload u = registry.find(new Upload.Key(api.provider(), api.account(), p.digest()));
            return u == null ? null : u.fileId();
        } catch (UploadRegistryException e) {
            return null;
        }
    }

    /**
     * Whether {@code failure} says the provider does not know some of the ids {@code used}; those are
     * forgotten (so the next {@link #prepare} uploads them again). False if the failure is about
     * something else.
     */
    boolean forgetUnknown(LmException failure, Map<Digest, String> used) {
        if (used.isEmpty()) return false;
        int status = failure.status();
        if (status != 400 && status != 403 && status != 404 && status != 410) return false;
        String text = (failure.getMessage() + " " + Objects.toString(failure.providerMessage(), ""));
        Map<Digest, String> unknown = new LinkedHashMap<>();
        used.forEach((d, id) -> {
            if (text.contains(id)) unknown.put(d, id);
        });
        if (unknown.isEmpty()
                && (status == 404
                        || status == 410
                        || FILE_NOT_KNOWN.matcher(text.toLowerCase(Locale.ROOT)).find())) {
            // the answer names no id: ask the Files API which ones it no longer has
            used.forEach((d, id) -> {
                try {
                    files().get(id);
                } catch (UnknownFileException e) {
                    unknown.put(d, id);
                } catch (LmException e) {
                    // cannot tell: keep it
                }
            });
        }
        if (unknown.isEmpty()) return false;
        FilesApi api = files();
        unknown.forEach((d, id) -> registry.forget(new Upload.Key(api.provider(), api.account(), d), id));
        LOG.info(
                "{}: the provider no longer knows {} uploaded file(s) {} (expired or deleted); uploading again and retrying once",
                client.where(),
                unknown.size(),
                unknown.values());
        return true;
    }

    private void say(String message) {
        if (said.add(message)) LOG.warn("{}", message);
    }

    /** The name an upload is given: a file's own name, else {@code dspy4j-<16 hex of the digest>.<ext>}. */
    static String filename(Part part, Payload p) {
        if (part instanceof Part.FilePart fp && fp.file().filename() != null)
            return fp.file().filename();
        String sub = p.mediaType().subtype();
        String ext = switch (sub) {
            case "jpeg" -> "jpg";
            case "plain" -> "txt";
            case "mpeg" -> "mp3";
            case "quicktime" -> "mov";
            default -> sub.replaceAll("[^A-Za-z0-9]", "");
        };
        return "dspy4j-" + p.digest().hex().substring(0, 16) + (ext.isEmpty() ? "" : "." + ext);
    }
}
