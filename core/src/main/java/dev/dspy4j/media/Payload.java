package dev.dspy4j.media;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Objects;

/**
 * The bytes of an image, audio clip, file or document, with a media type and a content digest.
 *
 * <p>Immutable and thread-safe. The SHA-256 {@link #digest()} is computed at most once, lazily;
 * it is the payload's identity for caching. A file-backed payload holds no bytes on the heap and
 * reads the file on demand; if the file changes after the payload was created, reading it fails.
 * Formatting prompts and computing cache keys never touch the bytes: only {@link #digest()} and
 * writing to the wire ({@link #writeTo}, {@link #openStream}) do.
 */
public final class Payload {
    /** The default size limit: 50 MB. */
    public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;

    private final PayloadSource source;
    private final MediaType mediaType;
    private final long size;
    private volatile Digest digest;

    private Payload(PayloadSource source, MediaType mediaType, long size) {
        this.source = source;
        this.mediaType = mediaType;
        this.size = size;
    }

    /** A payload over a copy of {@code bytes}; the media type is sniffed from the bytes. */
    public static Payload of(byte[] bytes) {
        return wrap(bytes.clone());
    }

    /** A payload over a copy of {@code bytes}, declared to be {@code type} (checked against the bytes). */
    public static Payload of(byte[] bytes, MediaType type) {
        return wrap(bytes.clone(), type);
    }

    /** A payload that takes ownership of {@code bytes} without copying; the caller must not change them. */
    public static Payload wrap(byte[] bytes) {
        return of(new BytesSource(bytes, "in-memory bytes"), null, DEFAULT_MAX_BYTES);
    }

    /** Like {@link #wrap(byte[])} with a declared type. */
    public static Payload wrap(byte[] bytes, MediaType type) {
        return of(new BytesSource(bytes, "in-memory bytes"), type, DEFAULT_MAX_BYTES);
    }

    /** A payload backed by a file, read on demand; the media type is sniffed. */
    public static Payload of(Path file) {
        return of(file, null);
    }

    /** A payload backed by a file, declared to be {@code type} (checked against the file's first bytes). */
    public static Payload of(Path file, MediaType type) {
        return of(FileSource.open(file), type, DEFAULT_MAX_BYTES);
    }

    /** A payload decoded once from base64. */
    public static Payload ofBase64(String base64, MediaType type) {
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new PayloadException("base64 payload is not valid base64: " + e.getMessage(), e);
        }
        return of(new BytesSource(bytes, "base64 string"), type, DEFAULT_MAX_BYTES);
    }

    /** A payload decoded once from a {@code data:<type>;base64,<data>} URI. */
    public static Payload ofDataUri(String uri) {
        Objects.requireNonNull(uri, "uri");
        int comma = uri.indexOf(',');
        if (!uri.startsWith("data:") || comma < 0) {
            throw new PayloadException("not a data URI (expected data:<type>;base64,<data>): " + abbreviate(uri));
        }
        String meta = uri.substring(5, comma);
        if (!meta.endsWith(";base64")) {
            throw new PayloadException("data URI is not base64-encoded: " + abbreviate(uri));
        }
        String type = meta.substring(0, meta.length() - ";base64".length());
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(uri.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw new PayloadException("data URI has invalid base64: " + e.getMessage(), e);
        }
        return of(new BytesSource(bytes, "data URI"), type.isEmpty() ? null : MediaType.of(type), DEFAULT_MAX_BYTES);
    }

    /**
     * A payload over any source. The declared type, if given, must agree with the sniffed one where
     * the bytes are recognised; without a declared type the bytes must be recognised.
     *
     * @throws PayloadException if the source is empty, unreadable, too large, or not of the declared type
     */
    public static Payload of(PayloadSource source, MediaType declared, long maxBytes) {
        Objects.requireNonNull(source, "source");
        long size;
        byte[] head = new byte[MediaSniffer.HEAD_BYTES];
        int headLength;
        try {
            size = source.size();
            if (size == 0) {
                throw new PayloadException(source.describe() + " is empty");
            }
            if (size > maxBytes) {
                throw new PayloadException(source.describe() + " has " + size + " bytes, over the limit of "
                        + maxBytes + " bytes");
            }
            try (InputStream in = source.open()) {
                headLength = in.readNBytes(head, 0, head.length);
            }
        } catch (NoSuchFileException e) {
            throw new PayloadException(source.describe() + " does not exist", e);
        } catch (IOException e) {
            throw new PayloadException(source.describe() + " cannot be read: " + e, e);
        }
        MediaType sniffed = MediaSniffer.sniff(head, headLength);
        MediaType type;
        if (declared == null) {
            if (sniffed == null) {
                throw new PayloadException(source.describe() + " is of an unknown format (first bytes "
                        + MediaSniffer.hexHead(head, headLength) + "); declare its media type");
            }
            type = sniffed;
        } else {
            if (sniffed != null && !sniffed.equals(declared)) {
                throw new PayloadException(source.describe() + " was declared " + declared
                        + " but its bytes are " + sniffed);
            }
            if (sniffed == null && MediaSniffer.recognises(declared)) {
                throw new PayloadException(source.describe() + " was declared " + declared
                        + " but its bytes are not " + declared + " (first bytes "
                        + MediaSniffer.hexHead(head, headLength) + ")");
            }
            type = declared;
        }
        return new Payload(source, type, size);
    }

    /** The media type. */
    public MediaType mediaType() {
        return mediaType;
    }

    /** The number of bytes. */
    public long size() {
        return size;
    }

    /** The source's description, e.g. a file path. */
    public String describe() {
        return source.describe();
    }

    /** The SHA-256 of the bytes, computed on first use and remembered. */
    public Digest digest() {
        Digest d = digest;
        if (d == null) {
            synchronized (this) {
                d = digest;
                if (d == null) {
                    d = computeDigest();
                    digest = d;
                }
            }
        }
        return d;
    }

    /** True once the digest has been computed. */
    public boolean hasDigest() {
        return digest != null;
    }

    private Digest computeDigest() {
        MessageDigest md = Digest.sha256();
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try (InputStream in = openStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                total += n;
            }
        } catch (IOException e) {
            throw new PayloadException(source.describe() + " cannot be read: " + e, e);
        }
        if (total != size) {
            throw new PayloadException(source.describe() + " changed while it was read: expected " + size
                    + " bytes, read " + total);
        }
        return Digest.finish(md);
    }

    /**
     * A new stream over the bytes.
     *
     * @throws PayloadException if the source changed since this payload was created or cannot be read
     */
    public InputStream openStream() {
        try {
            source.checkUnchanged();
            return source.open();
        } catch (IOException e) {
            throw new PayloadException(source.describe() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Writes the bytes to {@code out}. */
    public void writeTo(OutputStream out) throws IOException {
        try (InputStream in = openStream()) {
            in.transferTo(out);
        }
    }

    /**
     * All the bytes, as a new array. This copies the payload onto the heap; the library itself
     * never calls it on the request path.
     */
    public byte[] readAllBytes() {
        try (InputStream in = openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Payloads are equal when their media types and digests are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Payload p && (p == this
                || p.size == size && p.mediaType.equals(mediaType) && p.digest().equals(digest()));
    }

    @Override
    public int hashCode() {
        return digest().hashCode();
    }

    /** The media type, size and, if already known, the short digest; never the bytes. */
    @Override
    public String toString() {
        Digest d = digest;
        return "Payload[" + mediaType + ", " + size + " bytes" + (d == null ? "" : ", " + d.shortHex()) + "]";
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** Bytes on the heap. */
    private record BytesSource(byte[] bytes, String describe) implements PayloadSource {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }
    }

    /** A file, checked for changes (size, modification time) before each read. */
    private record FileSource(Path path, long expectedSize, long expectedMtime) implements PayloadSource {
        static FileSource open(Path path) {
            Objects.requireNonNull(path, "path");
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    throw new PayloadException("file " + path + " is not a regular file");
                }
                if (!Files.isReadable(path)) {
                    throw new PayloadException("file " + path + " is not readable");
                }
                return new FileSource(path, a.size(), a.lastModifiedTime().toMillis());
            } catch (NoSuchFileException e) {
                throw new PayloadException("file " + path + " does not exist", e);
            } catch (IOException e) {
                throw new PayloadException("file " + path + " cannot be read: " + e, e);
            }
        }

        @Override
        public long size() {
            return expectedSize;
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(path);
        }

        @Override
        public String describe() {
            return "file " + path;
        }

        @Override
        public void checkUnchanged() throws IOException {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (a.size() != expectedSize || a.lastModifiedTime().toMillis() != expectedMtime) {
                throw new IOException("the file changed after it was loaded (size " + expectedSize + " -> "
                        + a.size() + ", modified " + expectedMtime + " -> " + a.lastModifiedTime().toMillis() + ")");
            }
        }
    }
}
