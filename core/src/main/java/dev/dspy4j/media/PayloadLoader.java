package dev.dspy4j.media;

import dev.dspy4j.media.PayloadSources.BytesSource;
import dev.dspy4j.media.PayloadSources.FileSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Creates payloads with one size limit. Obtain one with {@link Payload#maxBytes(long)}; the static
 * factories of {@link Payload} use the default limit, and each method here does what the
 * same-named one there does, with this limit. Immutable.
 */
public final class PayloadLoader {
    static final PayloadLoader DEFAULT = new PayloadLoader(Payload.DEFAULT_MAX_BYTES);

    private final long maxBytes;

    /** See {@link Payload#maxBytes(long)}; the limit must be at least 1. */
    PayloadLoader(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** {@return the size limit, in bytes} */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * See {@link Payload#of(byte[])}.
     *
     * @param bytes the content, copied once
     * @return the payload
     */
    public Payload of(byte[] bytes) {
        return of(bytes, null);
    }

    /**
     * See {@link Payload#of(byte[], MediaType)}.
     *
     * @param bytes the content, copied once
     * @param type the declared media type; null to recognise it
     * @return the payload
     */
    public Payload of(byte[] bytes, MediaType type) {
        Objects.requireNonNull(bytes, "bytes");
        checkSize(bytes.length, "in-memory bytes");
        return wrap(bytes.clone(), type);
    }

    /**
     * See {@link Payload#wrap(byte[])}.
     *
     * @param bytes the content, not copied
     * @return the payload
     */
    public Payload wrap(byte[] bytes) {
        return wrap(bytes, null);
    }

    /**
     * See {@link Payload#wrap(byte[], MediaType)}.
     *
     * @param bytes the content, not copied
     * @param type the declared media type; null to recognise it
     * @return the payload
     */
    public Payload wrap(byte[] bytes, MediaType type) {
        Objects.requireNonNull(bytes, "bytes");
        return of(new BytesSource(bytes, "in-memory bytes"), type);
    }

    /**
     * See {@link Payload#of(Path)}.
     *
     * @param file a regular, readable file
     * @return the payload
     */
    public Payload of(Path file) {
        return of(file, null);
    }

    /**
     * See {@link Payload#of(Path, MediaType)}.
     *
     * @param file a regular, readable file
     * @param type the declared media type; null to recognise it
     * @return the payload
     */
    public Payload of(Path file, MediaType type) {
        return of(FileSource.open(file), type);
    }

    /**
     * See {@link Payload#ofBase64(String, MediaType)}.
     *
     * @param base64 the encoded content, or a {@code data:} URI
     * @param type the declared media type; null to recognise it
     * @return the payload
     */
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

    /**
     * See {@link Payload#ofDataUri(String)}.
     *
     * @param uri the data URI
     * @return the payload
     */
    public Payload ofDataUri(String uri) {
        Objects.requireNonNull(uri, "uri");
        Base64Text.DataUri d = Base64Text.dataUri(uri);
        return decoded(uri, d.dataStart(), uri.length(), d.declared(), "data URI");
    }

    /**
     * A payload over any source. The declared type, if given, must agree with the recognised one
     * where the bytes are recognised (any bytes may be declared {@code application/octet-stream}),
     * and bytes declared as a recognised type must be recognised; without a declared type the
     * bytes must be recognised. Reads the source's size and its first
     * 64 bytes.
     *
     * @param source where the bytes live
     * @param declared the declared media type; null to recognise it
     * @return the payload
     * @throws PayloadException if the source is empty, unreadable, over the limit, of an unknown
     *     format, or not of the declared type
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
