package dev.dspy4j.media;

import dev.dspy4j.media.PayloadSources.FileSource;
import dev.dspy4j.media.PayloadSources.RecordSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

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
 * <p>Creating a payload reads only the first 64 bytes, to recognise the
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
 * <p>Code: the checks made on creation live in {@link PayloadLoader}, the sources in
 * {@code PayloadSources}, every read of the bytes (the digest pass and the wire) in {@code PayloadBytes},
 * type recognition in {@code MediaSniffer}, base64 and {@code data:} URI decoding in {@code Base64Text}.
 */
public final class Payload {
    /** The default size limit: 50 MB (50 * 1024 * 1024 bytes). */
    public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;

    private static final PayloadLoader DEFAULT = PayloadLoader.DEFAULT;

    private final PayloadSource source;
    private final MediaType mediaType;
    private final long size;
    private final Object lock = new Object();
    private volatile Digest digest;

    Payload(PayloadSource source, MediaType mediaType, long size) {
        this.source = source;
        this.mediaType = mediaType;
        this.size = size;
    }

    /**
     * Creates payloads with a size limit other than the default 50 MB.
     *
     * @param maxBytes the largest accepted payload, in bytes
     * @return a loader with that limit
     * @throws IllegalArgumentException if {@code maxBytes} is below 1
     */
    public static PayloadLoader maxBytes(long maxBytes) {
        return new PayloadLoader(maxBytes);
    }

    /**
     * A payload over a copy of {@code bytes}; the media type is recognised from the bytes.
     *
     * @param bytes the content, copied once
     * @return the payload
     * @throws PayloadException if the bytes are empty, over 50 MB, or of an unknown format
     */
    public static Payload of(byte[] bytes) {
        return DEFAULT.of(bytes);
    }

    /**
     * A payload over a copy of {@code bytes}, declared to be {@code type}.
     *
     * @param bytes the content, copied once
     * @param type the declared media type, checked against the bytes; null to recognise it
     * @return the payload
     * @throws PayloadException as {@link PayloadLoader#of(PayloadSource, MediaType)} says
     */
    public static Payload of(byte[] bytes, MediaType type) {
        return DEFAULT.of(bytes, type);
    }

    /**
     * A payload that takes ownership of {@code bytes} without copying them.
     *
     * @param bytes the content; the caller must not change them afterwards
     * @return the payload
     * @throws PayloadException if the bytes are empty, over 50 MB, or of an unknown format
     */
    public static Payload wrap(byte[] bytes) {
        return DEFAULT.wrap(bytes);
    }

    /**
     * Like {@link #wrap(byte[])}, with a declared type.
     *
     * @param bytes the content; the caller must not change them afterwards
     * @param type the declared media type, checked against the bytes; null to recognise it
     * @return the payload
     * @throws PayloadException as {@link PayloadLoader#of(PayloadSource, MediaType)} says
     */
    public static Payload wrap(byte[] bytes, MediaType type) {
        return DEFAULT.wrap(bytes, type);
    }

    /**
     * A payload backed by a file, read on demand; the media type is recognised from its first bytes.
     *
     * @param file a regular, readable file
     * @return the payload
     * @throws PayloadException if the file does not exist, cannot be read, is empty, over 50 MB, or of
     *     an unknown format
     */
    public static Payload of(Path file) {
        return DEFAULT.of(file);
    }

    /**
     * A payload backed by a file, read on demand, declared to be {@code type}.
     *
     * @param file a regular, readable file
     * @param type the declared media type, checked against the file's first bytes; null to recognise it
     * @return the payload
     * @throws PayloadException as {@link #of(Path)} and {@link PayloadLoader#of(PayloadSource, MediaType)} say
     */
    public static Payload of(Path file, MediaType type) {
        return DEFAULT.of(file, type);
    }

    /**
     * A payload decoded once from base64; the media type is recognised from the bytes. Standard or
     * URL-safe alphabet, padded or not, line breaks allowed. A {@code data:} URI is accepted too (as by
     * {@link #ofDataUri}).
     *
     * @param base64 the encoded content
     * @return the payload
     * @throws PayloadException naming the first character that is not base64 and its index, or as
     *     {@link #of(byte[])} says for the decoded bytes
     */
    public static Payload ofBase64(String base64) {
        return DEFAULT.ofBase64(base64, null);
    }

    /**
     * A payload decoded once from base64 (see {@link #ofBase64(String)}), declared to be {@code type}.
     *
     * @param base64 the encoded content, or a {@code data:} URI whose own type must then equal {@code type}
     * @param type the declared media type, checked against the bytes; null to recognise it
     * @return the payload
     * @throws PayloadException as {@link #ofBase64(String)} says, or if a data URI's type is not {@code type}
     */
    public static Payload ofBase64(String base64, MediaType type) {
        return DEFAULT.ofBase64(base64, type);
    }

    /**
     * A payload decoded once from a {@code data:<type>;base64,<data>} URI.
     *
     * @param uri the data URI; its type is checked against the decoded bytes
     * @return the payload
     * @throws PayloadException if it is not a base64 data URI, or as {@link #ofBase64(String)} says
     */
    public static Payload ofDataUri(String uri) {
        return DEFAULT.ofDataUri(uri);
    }

    /**
     * A payload over any source, with the default limit.
     *
     * @param source where the bytes live
     * @param declared the declared media type; null to recognise it
     * @return the payload
     * @throws PayloadException as {@link PayloadLoader#of(PayloadSource, MediaType)} says
     */
    public static Payload of(PayloadSource source, MediaType declared) {
        return DEFAULT.of(source, declared);
    }

    /**
     * A payload over any source, with an explicit size limit.
     *
     * @param source where the bytes live
     * @param declared the declared media type; null to recognise it
     * @param maxBytes the largest accepted size, in bytes (at least 1)
     * @return the payload
     * @throws PayloadException as {@link PayloadLoader#of(PayloadSource, MediaType)} says
     */
    public static Payload of(PayloadSource source, MediaType declared, long maxBytes) {
        return new PayloadLoader(maxBytes).of(source, declared);
    }

    /** {@return the media type: the declared one, or the one recognised from the first bytes} */
    public MediaType mediaType() {
        return mediaType;
    }

    /** {@return the number of bytes, taken when the payload was created} */
    public long size() {
        return size;
    }

    /** {@return the source's description for error messages, e.g. {@code file /data/cat.png} or {@code data URI}} */
    public String describe() {
        return source.describe();
    }

    /**
     * The SHA-256 of the bytes, computed on first use (reading the bytes once) and remembered.
     * Concurrent first calls compute it once; the others wait for it.
     *
     * @return the digest, the payload's identity in cache keys and upload registries
     * @throws PayloadException if the source cannot be read or changed since this payload was created
     */
    public Digest digest() {
        Digest d = digest;
        if (d == null) {
            synchronized (lock) {
                d = digest;
                if (d == null) {
                    d = PayloadBytes.sha256(source, size);
                    digest = d;
                }
            }
        }
        return d;
    }

    /**
     * This payload without its bytes, for records of a call (LM history): the same media type, size,
     * description and digest (if already computed), so it shows what it was, but it keeps no bytes
     * alive. Reading the bytes of the result, or its digest when that was not computed before, throws
     * {@link PayloadException}.
     *
     * @return a payload without bytes, or this one if it is file-backed (no bytes on the heap) or
     *     already without bytes
     */
    public Payload withoutBytes() {
        if (source instanceof FileSource || source instanceof RecordSource) return this;
        Payload p = new Payload(new RecordSource(source.describe()), mediaType, size);
        p.digest = digest;
        return p;
    }

    /** {@return false for a payload made by {@link #withoutBytes()} from bytes in memory, true otherwise} */
    public boolean hasBytes() {
        return !(source instanceof RecordSource);
    }

    /** {@return true once the digest has been computed (never computes it)} */
    public boolean hasDigest() {
        return digest != null;
    }

    /**
     * Opens a new stream over the bytes. The stream fails with an {@link IOException} if the source
     * does not yield exactly {@link #size()} bytes or changed by the end of the read.
     *
     * @return a stream over all the bytes; the caller closes it
     * @throws PayloadException if the source changed since this payload was created or cannot be read
     */
    public InputStream openStream() {
        return PayloadBytes.open(source, size);
    }

    /**
     * Writes the bytes to {@code out}, in chunks of at most 64 KiB for a file; {@code out} is not closed.
     *
     * @param out where the bytes go, e.g. a base64 encoder in front of a request body
     * @throws PayloadException if the source changed since this payload was created
     * @throws IOException if reading the source or writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        PayloadBytes.writeTo(source, size, out);
    }

    /**
     * Copies all the bytes onto the heap. The library itself never calls this on the request path.
     *
     * @return a new array with the bytes
     * @throws PayloadException if the source changed since this payload was created
     * @throws java.io.UncheckedIOException if reading the source fails
     */
    public byte[] readAllBytes() {
        return PayloadBytes.readAll(source, size);
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
