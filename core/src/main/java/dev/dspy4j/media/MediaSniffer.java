package dev.dspy4j.media;

import java.util.HexFormat;
import java.util.Set;

/** Recognises media types from a file's first bytes (magic numbers). */
public final class MediaSniffer {
    /** How many leading bytes {@link #sniff} looks at. */
    public static final int HEAD_BYTES = 16;

    private static final Set<MediaType> RECOGNISED = Set.of(MediaType.PNG, MediaType.JPEG, MediaType.GIF,
            MediaType.WEBP, MediaType.WAV, MediaType.MP3, MediaType.FLAC, MediaType.OGG, MediaType.PDF);

    private MediaSniffer() {}

    /** The media type the bytes start with, or null if none of the known formats matches. */
    public static MediaType sniff(byte[] head, int length) {
        if (startsWith(head, length, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return MediaType.PNG;
        if (startsWith(head, length, 0, 0xFF, 0xD8, 0xFF)) return MediaType.JPEG;
        if (startsWith(head, length, 0, 'G', 'I', 'F', '8')) return MediaType.GIF;
        if (startsWith(head, length, 0, 'R', 'I', 'F', 'F') && startsWith(head, length, 8, 'W', 'E', 'B', 'P')) {
            return MediaType.WEBP;
        }
        if (startsWith(head, length, 0, 'R', 'I', 'F', 'F') && startsWith(head, length, 8, 'W', 'A', 'V', 'E')) {
            return MediaType.WAV;
        }
        if (startsWith(head, length, 0, 'I', 'D', '3')) return MediaType.MP3;
        if (length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xE0) == 0xE0) return MediaType.MP3;
        if (startsWith(head, length, 0, 'f', 'L', 'a', 'C')) return MediaType.FLAC;
        if (startsWith(head, length, 0, 'O', 'g', 'g', 'S')) return MediaType.OGG;
        if (startsWith(head, length, 0, '%', 'P', 'D', 'F', '-')) return MediaType.PDF;
        return null;
    }

    /** True if {@link #sniff} can recognise this type, so a declared type can be checked. */
    public static boolean recognises(MediaType type) {
        return RECOGNISED.contains(type);
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
