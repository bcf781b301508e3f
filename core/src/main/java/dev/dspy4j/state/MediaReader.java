package dev.dspy4j.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads the {@code $media} values of a dspy4j state file, as {@link MediaWriter} writes them: a payload
 * from a file next to the state file (confined to its folder, its size and SHA-256 checked against
 * the recorded ones) or from an inline data URI (checked against a recorded SHA-256 if there is one),
 * a remote image URL, or a provider file id.
 */
final class MediaReader {
    private static final Set<String> MEDIA_KEYS = Set.of(
            "$media",
            "file",
            "media_type",
            "size",
            "sha256",
            "data",
            "url",
            "detail",
            "file_id",
            "filename",
            "title",
            "context",
            "citations");

    private final Json json;

    /** @param json the state file's reader, which names the file in errors */
    MediaReader(Json json) {
        this.json = json;
    }

    /**
     * A {@code $media} object as the media value it describes.
     *
     * @param n  the object
     * @param at its JSON path, for errors
     * @return the image, audio, video, file or document
     * @throws ProgramStateException if a key is unknown or missing, the kind is unknown, or the payload
     *                               cannot be used (see {@link #payload})
     */
    Media read(JsonNode n, String at) {
        json.onlyKeys(n, at, MEDIA_KEYS);
        String kind = json.text(n, "$media", at);
        try {
            switch (kind) {
                case "image": {
                    String detail = json.optText(n, "detail", at);
                    String url = json.optText(n, "url", at);
                    if (url != null) {
                        if (n.has("file") || n.has("data"))
                            throw json.error(at, "an image has a url, a file or data, not several");
                        return new Image(null, URI.create(url), detail);
                    }
                    return new Image(payload(n, at), null, detail);
                }
                case "audio":
                    return new Audio(payload(n, at));
                case "video":
                    return new dev.dspy4j.media.Video(payload(n, at));
                case "file": {
                    String id = json.optText(n, "file_id", at);
                    if (id != null) {
                        if (n.has("file") || n.has("data"))
                            throw json.error(at, "a file has a file_id, a file or data, not several");
                        String type = json.optText(n, "media_type", at);
                        return type == null ? File.ofId(id) : File.ofId(id, mediaType(type, at));
                    }
                    return new File(payload(n, at), json.optText(n, "filename", at), null);
                }
                case "document":
                    JsonNode c = n.get("citations");
                    if (c != null && !c.isBoolean())
                        throw json.error(at + ".citations", "expected a boolean, found " + Json.kind(c));
                    return new Document(
                            payload(n, at),
                            json.optText(n, "title", at),
                            json.optText(n, "context", at),
                            c != null && c.booleanValue());
                default:
                    throw json.error(
                            at + ".$media",
                            "unknown media kind '" + kind + "'; expected image, audio, video, file or document");
            }
        } catch (PayloadException | IllegalArgumentException e) {
            throw json.error(at, e.getMessage(), e);
        }
    }

    private MediaType mediaType(String typeName, String at) {
        try {
            return MediaType.of(typeName);
        } catch (IllegalArgumentException e) {
            throw json.error(at + ".media_type", e.getMessage(), e);
        }
    }

    private Payload payload(JsonNode n, String at) {
        JsonNode dataNode = n.get("data");
        Object decoded = dataNode instanceof POJONode pojo ? pojo.getPojo() : null;
        String data = decoded != null ? null : json.optText(n, "data", at);
        String rel = json.optText(n, "file", at);
        if ((data == null && decoded == null) == (rel == null)) {
            throw json.error(at, "a media value needs exactly one of 'file' (a path) or 'data' (a data URI)");
        }
        String sha = json.optText(n, "sha256", at);
        if (data != null || decoded != null) {
            Payload p;
            try {
                if (decoded instanceof StateTree.Undecodable u) throw new PayloadException(u.problem());
                p = decoded instanceof StateTree.Inline inline ? inline.payload() : Payload.ofDataUri(data);
            } catch (PayloadException e) {
                throw json.error(at + ".data", e.getMessage(), e);
            }
            // the bytes are in the file itself; a recorded digest (dspy4j writes one) must still match
            if (sha != null) checkDigest(p, sha, at + ".data", "the inline data");
            return p;
        }
        if (sha == null) {
            throw json.error(
                    at,
                    "media file " + rel + " has no sha256; dspy4j records the digest of every media file "
                            + "it saves and checks it on load, so that a state file can only send the bytes it was saved with");
        }
        MediaType type = mediaType(json.text(n, "media_type", at), at);
        Path path = json.inside(rel, at + ".file");
        Payload p;
        try {
            p = Payload.of(path, type);
        } catch (PayloadException e) {
            throw json.error(at + ".file", "media file " + rel + " cannot be used: " + e.getMessage(), e);
        }
        JsonNode size = n.get("size");
        if (size != null) {
            if (!size.isIntegralNumber())
                throw json.error(at + ".size", "expected an integer, found " + Json.kind(size));
            if (size.longValue() != p.size()) {
                throw json.error(
                        at + ".file",
                        "media file " + rel + " has " + p.size() + " bytes, but the state file says "
                                + size.longValue());
            }
        }
        // the digest is needed for every cache key anyway; the payload remembers it. It also settles a
        // declared type the bytes cannot show (text/plain, image/svg+xml, ...): these are the saved bytes.
        checkDigest(p, sha, at + ".file", "media file " + rel);
        return p;
    }

    private void checkDigest(Payload p, String sha, String at, String what) {
        String actual;
        try {
            actual = p.digest().hex();
        } catch (PayloadException e) {
            throw json.error(at, what + " cannot be read: " + e.getMessage(), e);
        }
        if (!actual.equalsIgnoreCase(sha)) {
            throw json.error(
                    at,
                    what + " has sha256 " + actual + ", but the state file says " + sha
                            + " (the file was changed or replaced)");
        }
    }
}
