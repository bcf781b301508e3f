package dev.dspy4j.media;

import dev.dspy4j.media.PayloadSources.BytesSource;
import dev.dspy4j.media.PayloadSources.FileSource;
import dev.dspy4j.media.PayloadSources.RecordSource;
import dev.dspy4j.media.PayloadSources.SizeCheckingStream;
import dev.dspy4j.media.PayloadSources.SourceChangedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The bytes of an image, audio clip, file or document, with a media type and a content digest.
 *
 * <p>Three kinds of source:
 * <ul>
 *   <li>bytes in memory: {@link #of(byte[])} copies them once, {@link #wrap(byte[])} takes them over
 *       without a copy;</li>
 *   <li>a file, {@link #of(Path)}: read on demand, no bytes held on the heap; if the file's size or
 *       modification time differs from when the payload was created, every later read fails;</li>
 *   <li>a base64 string or {@code data:} URI, {@link #ofBase64}, {@link #ofDataUri}: decoded once.</li>
 * </ul>
 *
 * <p>Creating a payload reads only the first {@value MediaSniffer#HEAD_BYTES} bytes, to recognise the
 * media type (and to check a declared one). Payloads larger than a limit are refused: 50 MB by
 * default, another limit through {@link #maxBytes(long)}, e.g. {@code Payload.maxBytes(5_000_000).of(path)}.
 *
 * <p>Immutable and thread-safe. The SHA-256 {@link #digest()} is computed at most once, lazily, even
 * when many threads ask at the same time; it is the payload's identity for caching. Formatting
 * prompts and computing cache keys never touch the bytes: only {@link #digest()} and writing to the
 * wire ({@link #writeTo}, {@link #openStream}) do.
 *
 * <p>Every error is a {@link PayloadException} whose message names the source (the file path, "data
 * URI", ...).
 *
 * <p>Code: the sources live in {@code PayloadSources}, type recognition in {@link MediaSniffer}, base64
 * and {@code data:} URI decoding in {@link Base64Text}. This file keeps the value (digest, streams) and
 * {@link Loader}, nested because its name {@code Payload.Loader} is public API; together a little over
 * 400 lines.
 */
public final class Payload {
    /** The default size limit: 50 MB (50 * 1024 * 1024 bytes). */
    public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;

    private static final Loader DEFAULT = new Loader(DEFAULT_MAX_BYTES);
    private static final int DIGEST_BUFFER = 64 * 1024;

    private final PayloadSource source;
    private final MediaType mediaType;
    private final long size;
    private final Object lock = new Object();
    private volatile Digest digest;

    private Payload(PayloadSource source, MediaType mediaType, long size) {
        this.source = source;
        this.mediaType = mediaType;
        this.size = size;
    }

    /**
     * Creates payloads with a size limit other than the default 50 MB.
     *
     * @param maxBytes the largest accepted payload, in bytes (at least 1)
     */
    public static Loader maxBytes(long maxBytes) {
        return new Loader(maxBytes);
    }

    /** A payload over a copy of {@code bytes}; the media type is sniffed from the bytes. */
    public static Payload of(byte[] bytes) {
        return DEFAULT.of(bytes);
    }

    /** A payload over a copy of {@code bytes}, declared to be {@code type} (checked against the bytes). */
    public static Payload of(byte[] bytes, MediaType type) {
        return DEFAULT.of(bytes, type);
    }

    /** A payload that takes ownership of {@code bytes} without copying; the caller must not change them. */
    public static Payload wrap(byte[] bytes) {
        return DEFAULT.wrap(bytes);
    }

    /** Like {@link #wrap(byte[])} with a declared type. */
    public static Payload wrap(byte[] bytes, MediaType type) {
        return DEFAULT.wrap(bytes, type);
    }

    /** A payload backed by a file, read on demand; the media type is sniffed. */
    public static Payload of(Path file) {
        return DEFAULT.of(file);
    }

    /** A payload backed by a file, declared to be {@code type} (checked against the file's first bytes). */
    public static Payload of(Path file, MediaType type) {
        return DEFAULT.of(file, type);
    }

    /**
     * A payload decoded once from base64; the media type is sniffed. Standard or URL-safe alphabet,
     * padded or not, line breaks allowed; anything else is refused naming the first bad character and
     * its index. A {@code data:} URI is accepted too (as by {@link #ofDataUri}).
     */
    public static Payload ofBase64(String base64) {
        return DEFAULT.ofBase64(base64, null);
    }

    /**
     * A payload decoded once from base64 (see {@link #ofBase64(String)}), declared to be {@code type},
     * or sniffed if {@code type} is null; a data URI's own type must then equal {@code type}.
     */
    public static Payload ofBase64(String base64, MediaType type) {
        return DEFAULT.ofBase64(base64, type);
    }

    /** A payload decoded once from a {@code data:<type>;base64,<data>} URI. */
    public static Payload ofDataUri(String uri) {
        return DEFAULT.ofDataUri(uri);
    }

    /**
     * A payload over any source, with the default limit. See {@link Loader#of(PayloadSource, MediaType)}.
     */
    public static Payload of(PayloadSource source, MediaType declared) {
        return DEFAULT.of(source, declared);
    }

    /**
     * A payload over any source with an explicit size limit. See {@link Loader#of(PayloadSource, MediaType)}.
     */
    public static Payload of(PayloadSource source, MediaType declared, long maxBytes) {
        return new Loader(maxBytes).of(source, declared);
    }

    /**
     * Creates payloads with one size limit. Obtain one with {@link Payload#maxBytes(long)}; the static
     * factories of {@link Payload} use the default limit. Immutable.
     */
    public static final class Loader {
        private final long maxBytes;

        private Loader(long maxBytes) {
            if (maxBytes < 1) {
                throw new IllegalArgumentException("maxBytes must be at least 1, not " + maxBytes);
            }
            this.maxBytes = maxBytes;
        }

        /** The size limit in bytes. */
        public long maxBytes() {
            return maxBytes;
        }

        /** See {@link Payload#of(byte[])}. */
        public Payload of(byte[] bytes) {
            return of(bytes, null);
        }

        /** See {@link Payload#of(byte[], MediaType)}. */
        public Payload of(byte[] bytes, MediaType type) {
            Objects.requireNonNull(bytes, "bytes");
            checkSize(bytes.length, "in-memory bytes");
            return wrap(bytes.clone(), type);
        }

        /** See {@link Payload#wrap(byte[])}. */
        public Payload wrap(byte[] bytes) {
            return wrap(bytes, null);
        }

        /** See {@link Payload#wrap(byte[], MediaType)}. */
        public Payload wrap(byte[] bytes, MediaType type) {
            Objects.requireNonNull(bytes, "bytes");
            return of(new BytesSource(bytes, "in-memory bytes"), type);
        }

        /** See {@link Payload#of(Path)}. */
        public Payload of(Path file) {
            return of(file, null);
        }

        /** See {@link Payload#of(Path, MediaType)}. */
        public Payload of(Path file, MediaType type) {
            return of(FileSource.open(file), type);
        }

        /** See {@link Payload#ofBase64(String, MediaType)}. */
        public Payload ofBase64(String base64, MediaType type) {
            Objects.requireNonNull(base64, "base64");
            if (base64.regionMatches(true, 0, "data:", 0, 5)) {
                Payload p = ofDataUri(base64);
                if (type != null && !type.equals(p.mediaType())) {
                    throw new PayloadException(
                            "the base64 text is a data URI of type " + p.mediaType() + ", but it was declared " + type);
                }
                return p;
            }
            return decoded(base64, 0, base64.length(), type, "base64 string");
        }

        /** See {@link Payload#ofDataUri(String)}. */
        public Payload ofDataUri(String uri) {
            Objects.requireNonNull(uri, "uri");
            Base64Text.DataUri d = Base64Text.dataUri(uri);
            return decoded(uri, d.dataStart(), uri.length(), d.declared(), "data URI");
        }

        /**
         * A payload over any source. The declared type, if given, must agree with the sniffed one
         * where the bytes are recognised (any bytes may be declared {@code application/octet-stream}) (and bytes declared as a recognised type must be recognised);
         * without a declared type the bytes must be recognised. Reads the source's size and its first
         * {@value MediaSniffer#HEAD_BYTES} bytes.
         *
         * @throws PayloadException if the source is empty, unreadable, over the limit, of an unknown
         *                          format, or not of the declared type
         */
        public Payload of(PayloadSource source, MediaType declared) {
            Objects.requireNonNull(source, "source");
            long size;
            byte[] head = new byte[MediaSniffer.HEAD_BYTES];
            int headLength;
            try {
                size = source.size();
                if (size == 0) {
                    throw new PayloadException(source.describe() + " is empty");
                }
                checkSize(size, source.describe());
                try (InputStream in = source.open()) {
                    headLength = in.readNBytes(head, 0, head.length);
                }
            } catch (NoSuchFileException e) {
                throw new PayloadException(source.describe() + " does not exist", e);
            } catch (AccessDeniedException e) {
                throw new PayloadException(source.describe() + " cannot be read: permission denied", e);
            } catch (IOException e) {
                throw new PayloadException(source.describe() + " cannot be read: " + e, e);
            }
            if (headLength == 0) {
                throw new PayloadException(source.describe() + " is empty");
            }
            MediaType type = MediaSniffer.typeOf(source.describe(), head, headLength, declared);
            return new Payload(source, type, size);
        }

        private Payload decoded(String s, int from, int to, MediaType type, String what) {
            // Refuse early, before allocating, a string far too long to decode within the limit
            // (base64 needs 4 characters per 3 bytes; twice that leaves room for line breaks).
            long chars = (long) to - from;
            if (chars / 8 * 3 > maxBytes) {
                throw new PayloadException(
                        what + " has " + chars + " base64 characters, over the limit of " + maxBytes + " bytes");
            }
            byte[] bytes = Base64Text.decode(s, from, to, what);
            checkSize(bytes.length, what);
            return of(new BytesSource(bytes, what), type);
        }

        private void checkSize(long size, String what) {
            if (size > maxBytes) {
                throw new PayloadException(what + " has " + size + " bytes, over the limit of " + maxBytes + " bytes");
            }
        }
    }

    /** The media type. */
    public MediaType mediaType() {
        return mediaType;
    }

    /** The number of bytes. */
    public long size() {
        return size;
    }

    /** The source's description, e.g. {@code file /data/cat.png}; used in error messages. */
    public String describe() {
        return source.describe();
    }

    /**
     * The SHA-256 of the bytes, computed on first use (reading the bytes once) and remembered.
     * Concurrent first calls compute it once; the others wait for it.
     *
     * @throws PayloadException if the source cannot be read or changed since this payload was created
     */
    public Digest digest() {
        Digest d = digest;
        if (d == null) {
            synchronized (lock) {
                d = digest;
                if (d == null) {
                    d = computeDigest();
                    digest = d;
                }
            }
        }
        return d;
    }

    /**
     * This payload without its bytes, for records of a call (LM history): the same media type, size,
     * description and digest (if already computed), so it shows what it was, but it keeps no bytes
     * alive. A file-backed payload holds no bytes on the heap and is returned as it is. Reading the
     * bytes of the result, or its digest when that was not computed before, throws
     * {@link PayloadException}.
     */
    public Payload withoutBytes() {
        if (source instanceof FileSource || source instanceof RecordSource) return this;
        Payload p = new Payload(new RecordSource(source.describe()), mediaType, size);
        p.digest = digest;
        return p;
    }

    /** False for a payload made by {@link #withoutBytes()} from bytes in memory. */
    public boolean hasBytes() {
        return !(source instanceof RecordSource);
    }

    /** True once the digest has been computed. */
    public boolean hasDigest() {
        return digest != null;
    }

    private Digest computeDigest() {
        if (source instanceof RecordSource r) {
            throw new PayloadException(r.describe() + " is kept without its bytes (a record of a call), and its digest"
                    + " was not computed before");
        }
        MessageDigest md = Digest.sha256();
        if (source instanceof BytesSource b) {
            md.update(b.bytes());
            return Digest.finish(md);
        }
        byte[] buf = new byte[(int) Math.min(DIGEST_BUFFER, size)];
        try (InputStream in = openStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
        } catch (SourceChangedException e) {
            throw new PayloadException(e.getMessage(), e);
        } catch (IOException e) {
            throw new PayloadException(source.describe() + " cannot be read: " + e.getMessage(), e);
        }
        return Digest.finish(md);
    }

    /**
     * A new stream over the bytes. The stream fails with an {@link IOException} if the source does
     * not yield exactly {@link #size()} bytes.
     *
     * @throws PayloadException if the source changed since this payload was created or cannot be read
     */
    public InputStream openStream() {
        if (source instanceof BytesSource b) {
            return new ByteArrayInputStream(b.bytes());
        }
        try {
            source.checkUnchanged();
            return new SizeCheckingStream(source.open(), size, source);
        } catch (SourceChangedException e) {
            throw new PayloadException(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new PayloadException(source.describe() + " no longer exists", e);
        } catch (IOException e) {
            throw new PayloadException(source.describe() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the bytes to {@code out}.
     *
     * @throws PayloadException if the source changed since this payload was created
     * @throws IOException      if writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        if (source instanceof BytesSource b) {
            out.write(b.bytes());
            return;
        }
        try (InputStream in = openStream()) {
            byte[] buf = new byte[(int) Math.min(DIGEST_BUFFER, size)];
            int n;
            while (true) {
                try {
                    n = in.read(buf);
                } catch (SourceChangedException e) {
                    throw new PayloadException(e.getMessage(), e);
                }
                if (n < 0) break;
                out.write(buf, 0, n);
            }
        }
    }

    /**
     * All the bytes, as a new array. This copies the payload onto the heap; the library itself
     * never calls it on the request path.
     */
    public byte[] readAllBytes() {
        if (source instanceof BytesSource b) {
            return b.bytes().clone();
        }
        try (InputStream in = openStream()) {
            return in.readAllBytes();
        } catch (SourceChangedException e) {
            throw new PayloadException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Payloads are equal when their media types and digests are equal (this computes both digests). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Payload p
                && (p == this
                        || (p.size == size
                                && p.mediaType.equals(mediaType)
                                && p.digest().equals(digest())));
    }

    /** The digest's hash (this computes the digest). */
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
}
