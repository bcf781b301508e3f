package dev.dspy4j.media;

import java.nio.file.Path;

/**
 * A file input: bytes with a file name, or the id of a file already uploaded to the provider.
 *
 * @param payload  the bytes, or null when only {@code fileId} is given
 * @param filename the name sent with the bytes, or null
 * @param fileId   a provider file id, or null
 */
public record File(Payload payload, String filename, String fileId) implements Media {

    public File {
        if ((payload == null) == (fileId == null)) {
            throw new IllegalArgumentException("a File has either a payload or a provider file id, not both or neither");
        }
    }

    /** A file read on demand from {@code path}; its name is the path's file name. */
    public static File of(Path path) {
        return new File(Payload.of(path), path.getFileName().toString(), null);
    }

    /** A file from a path with a declared media type. */
    public static File of(Path path, MediaType type) {
        return new File(Payload.of(path, type), path.getFileName().toString(), null);
    }

    /** A file from a copy of {@code bytes} with a name and media type. */
    public static File of(byte[] bytes, String filename, MediaType type) {
        return new File(Payload.of(bytes, type), filename, null);
    }

    /** A file already uploaded to the provider. */
    public static File ofId(String fileId) {
        return new File(null, null, fileId);
    }

    @Override
    public String toString() {
        return "File[" + (payload == null ? "id=" + fileId : filename + ", " + payload) + "]";
    }
}
