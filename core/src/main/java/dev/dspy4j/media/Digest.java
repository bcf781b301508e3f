package dev.dspy4j.media;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** A SHA-256 digest: the content identity of a payload. Immutable. */
public final class Digest {
    /** Length of a digest in bytes. */
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private Digest(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * A digest from its bytes.
     *
     * @param bytes the {@value #LENGTH} bytes of a SHA-256, copied
     * @return the digest
     * @throws IllegalArgumentException if there are not exactly {@value #LENGTH} bytes
     */
    public static Digest of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + bytes.length);
        }
        return new Digest(bytes.clone());
    }

    /**
     * A digest from its hex form, as {@link #hex()} writes it.
     *
     * @param hex 64 hex characters, either case
     * @return the digest
     * @throws IllegalArgumentException if the text is not 64 hex characters
     */
    public static Digest ofHex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    private static final MessageDigest PROTOTYPE = newSha256();

    /** {@return a new SHA-256 instance (a clone of a prototype where the provider allows it: cheaper than a lookup)} */
    public static MessageDigest sha256() {
        if (PROTOTYPE != null) {
            try {
                return (MessageDigest) PROTOTYPE.clone();
            } catch (CloneNotSupportedException e) {
                // fall through to a lookup
            }
        }
        return newSha256();
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The digest of a finished {@link MessageDigest}. */
    static Digest finish(MessageDigest md) {
        return new Digest(md.digest());
    }

    /** {@return a copy of the {@value #LENGTH} bytes} */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * Feeds the {@value #LENGTH} bytes to {@code md} without copying them (cache keys hash digests).
     *
     * @param md the digest being computed
     */
    public void updateInto(MessageDigest md) {
        md.update(bytes);
    }

    /**
     * Copies the {@value #LENGTH} bytes into {@code dest}.
     *
     * @param dest the array to write into
     * @param offset where the first byte goes; {@code dest} needs {@value #LENGTH} bytes from there
     * @return the number of bytes written, {@value #LENGTH}
     * @throws IndexOutOfBoundsException if {@code dest} is too short
     */
    public int copyInto(byte[] dest, int offset) {
        System.arraycopy(bytes, 0, dest, offset, LENGTH);
        return LENGTH;
    }

    /** {@return the 64 lower-case hex characters} */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** {@return the first 12 hex characters, for display} */
    public String shortHex() {
        return hex().substring(0, 12);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Digest d && Arrays.equals(d.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    @Override
    public String toString() {
        return "sha256:" + hex();
    }
}
