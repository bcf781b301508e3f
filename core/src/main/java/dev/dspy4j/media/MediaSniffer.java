package dev.dspy4j.media;

import java.util.HexFormat;
import java.util.Set;

/**
 * Recognises media types from a payload's first bytes (magic numbers): PNG, JPEG, GIF, WEBP, WAV,
 * MP3, FLAC, OGG and PDF. Other types (plain text, CSV, ...) cannot be recognised and must be declared.
 */
public final class MediaSniffer {
    /** How many leading bytes {@link #sniff} looks at. */
    public static final int HEAD_BYTES = 16;

    private static final Set<MediaType> RECOGNISED = Set.of(MediaType.PNG, MediaType.JPEG, MediaType.GIF,
            MediaType.WEBP, MediaType.WAV, MediaType.MP3, MediaType.FLAC, MediaType.OGG, MediaType.PDF);

    /** The recognised types, for error messages. */
    static final String RECOGNISED_NAMES = "PNG, JPEG, GIF, WEBP, WAV, MP3, FLAC, OGG and PDF";

    private MediaSniffer() {}

    /**
     * The media type the bytes start with, or null if none of the recognised formats matches.
     *
     * @param head   the first bytes of the payload
     * @param length how many of {@code head} are valid
     */
    public static MediaType sniff(byte[] head, int length) {
        length = Math.min(length, head.length);
        if (startsWith(head, length, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return MediaType.PNG;
        if (startsWith(head, length, 0, 0xFF, 0xD8, 0xFF)) return MediaType.JPEG;
        if (startsWith(head, length, 0, 'G', 'I', 'F', '8', '7', 'a')
                || startsWith(head, length, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return MediaType.GIF;
        }
        if (startsWith(head, length, 0, 'R', 'I', 'F', 'F')) {
            if (startsWith(head, length, 8, 'W', 'E', 'B', 'P')) return MediaType.WEBP;
            if (startsWith(head, length, 8, 'W', 'A', 'V', 'E')) return MediaType.WAV;
            return null;
        }
        if (startsWith(head, length, 0, 'I', 'D', '3')) return MediaType.MP3;
        if (isMpegAudioLayer3Frame(head, length)) return MediaType.MP3;
        if (startsWith(head, length, 0, 'f', 'L', 'a', 'C')) return MediaType.FLAC;
        if (startsWith(head, length, 0, 'O', 'g', 'g', 'S')) return MediaType.OGG;
        if (startsWith(head, length, 0, '%', 'P', 'D', 'F', '-')) return MediaType.PDF;
        return null;
    }

    /** True if {@link #sniff} can recognise this type, so a declared type can be checked. */
    public static boolean recognises(MediaType type) {
        return RECOGNISED.contains(type);
    }

    /** A frame header without an ID3 tag: 11 sync bits, a valid MPEG version, layer III, a valid bitrate. */
    private static boolean isMpegAudioLayer3Frame(byte[] b, int length) {
        if (length < 3 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xE0) != 0xE0) return false;
        int version = (b[1] >> 3) & 0x3; // 01 is reserved
        int layer = (b[1] >> 1) & 0x3;   // 01 is layer III
        int bitrate = (b[2] >> 4) & 0xF; // 1111 is invalid
        int sampleRate = (b[2] >> 2) & 0x3; // 11 is reserved
        return version != 1 && layer == 1 && bitrate != 0xF && sampleRate != 3;
    }

    static String hexHead(byte[] head, int length) {
        return HexFormat.ofDelimiter(" ").formatHex(head, 0, Math.min(length, 8));
    }

    private static boolean startsWith(byte[] b, int length, int offset, int... magic) {
        if (length < offset + magic.length) return false;
        for (int i = 0; i < magic.length; i++) {
            if ((b[offset + i] & 0xFF) != magic[i]) return false;
        }
        return true;
    }
}
