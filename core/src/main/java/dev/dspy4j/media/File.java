package dev.dspy4j.media;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A file input: bytes with a file name, or the id of a file already uploaded to the provider.
 *
 * @param payload  the bytes, or null when only {@code fileId} is given
 * @param filename the name sent with the bytes (required with a payload), or null with a file id
 * @param fileId   a provider file id, or null
 * @param idType   the media type of the uploaded file behind {@code fileId}, or null if not known
 *                 (Anthropic sends an image id in an image block, any other in a document block);
 *                 null with a payload
 */
public record File(Payload payload, String filename, String fileId, MediaType idType) implements Media {

    /** Text formats that cannot be sniffed, recognised by file name extension. */
    private static final Map<String, MediaType> TEXT_EXTENSIONS = Map.of(
            "txt", MediaType.TEXT,
            "md", MediaType.of("text/markdown"),
            "csv", MediaType.of("text/csv"),
            "json", MediaType.of("application/json"),
            "html", MediaType.of("text/html"),
            "xml", MediaType.of("application/xml"));

    /**
     * Checks that exactly one of payload and file id is given, with a name only for bytes and a type
     * only for an id.
     *
     * @param payload the bytes, or null with a file id
     * @param filename required with a payload, null with a file id
     * @param fileId a non-blank provider file id, or null with a payload
     * @param idType the uploaded file's type, or null; always null with a payload
     * @throws IllegalArgumentException naming the rule that is broken
     */
    public File {
        if ((payload == null) == (fileId == null)) {
            throw new IllegalArgumentException(
                    "a File has either a payload or a provider file id, not both or neither");
        }
        if (payload != null && (filename == null || filename.isBlank())) {
            throw new IllegalArgumentException("a File with bytes needs a file name (" + payload.describe() + ")");
        }
        if (fileId != null && fileId.isBlank()) {
            throw new IllegalArgumentException("a provider file id must not be blank");
        }
        if (fileId != null && filename != null) {
            throw new IllegalArgumentException("a File given by provider id '" + fileId + "' has no file name");
        }
        if (payload != null && idType != null) {
            throw new IllegalArgumentException("a File with bytes takes its type from them, not from idType " + idType);
        }
    }

    /**
     * A file of bytes with a name, or a provider file id of unknown type.
     *
     * @param payload the bytes, or null with {@code fileId}
     * @param filename the name sent with the bytes, or null with {@code fileId}
     * @param fileId a provider file id, or null with a payload
     * @throws IllegalArgumentException as the canonical constructor says
     */
    public File(Payload payload, String filename, String fileId) {
        this(payload, filename, fileId, null);
    }

    /**
     * A file read on demand from {@code path}; its name is the path's file name. The type is sniffed
     * from the bytes; {@code .txt .md .csv .json .html .xml} files are taken as the matching text type.
     *
     * @param path a regular, readable file
     * @return the file
     * @throws PayloadException if the file cannot be read, is empty, over 50 MB, or of an unknown format
     */
    public static File of(Path path) {
        Objects.requireNonNull(path, "path");
        String name = path.getFileName().toString();
        int dot = name.lastIndexOf('.');
        MediaType byName =
                dot < 0 ? null : TEXT_EXTENSIONS.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        return new File(Payload.of(path, byName), name, null);
    }

    /**
     * A file read on demand from {@code path}, with a declared media type; its name is the path's file name.
     *
     * @param path a regular, readable file
     * @param type the media type, checked against the first bytes where they are recognised
     * @return the file
     * @throws PayloadException if the file cannot be read, is empty, over 50 MB, or contradicts {@code type}
     */
    public static File of(Path path, MediaType type) {
        return new File(Payload.of(path, type), path.getFileName().toString(), null);
    }

    /**
     * A file from a copy of {@code bytes}.
     *
     * @param bytes the content, copied once
     * @param filename the name sent with the bytes
     * @param type the media type, checked against the bytes where they are recognised; null to recognise it
     * @return the file
     * @throws PayloadException if the bytes are empty, over 50 MB, or contradict {@code type}
     * @throws IllegalArgumentException if {@code filename} is null or blank
     */
    public static File of(byte[] bytes, String filename, MediaType type) {
        return new File(Payload.of(bytes, type), filename, null);
    }

    /**
     * A file over an existing payload (no copy).
     *
     * @param payload the bytes
     * @param filename the name sent with the bytes
     * @return the file
     * @throws IllegalArgumentException if {@code filename} is null or blank
     */
    public static File of(Payload payload, String filename) {
        return new File(Objects.requireNonNull(payload, "payload"), filename, null);
    }

    /**
     * A file already uploaded to the provider, referred to by its id (its type not known).
     *
     * @param fileId the provider's id, e.g. OpenAI's {@code file-...}
     * @return the reference
     * @throws IllegalArgumentException if the id is blank
     */
    public static File ofId(String fileId) {
        return new File(null, null, Objects.requireNonNull(fileId, "fileId"), null);
    }

    /**
     * A file already uploaded to the provider, with the media type it was uploaded as (e.g.
     * {@code image/png}, so that Anthropic gets it in an image block).
     *
     * @param fileId the provider's id
     * @param type the media type the file was uploaded as
     * @return the reference
     * @throws IllegalArgumentException if the id is blank
     */
    public static File ofId(String fileId, MediaType type) {
        return new File(null, null, Objects.requireNonNull(fileId, "fileId"), Objects.requireNonNull(type, "type"));
    }

    /** {@return true for a provider file id without bytes} */
    public boolean isReference() {
        return fileId != null;
    }

    @Override
    public String toString() {
        return "File["
                + (payload == null ? "id=" + fileId + (idType == null ? "" : ", " + idType) : filename + ", " + payload)
                + "]";
    }
}
