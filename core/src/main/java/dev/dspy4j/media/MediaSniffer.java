package dev.dspy4j.media;

import java.util.HexFormat;
import java.util.Set;

/**
 * Recognises media types from a payload's first bytes (magic numbers): images PNG, JPEG, GIF, WebP,
 * BMP, TIFF, HEIC/HEIF and AVIF; audio WAV, MP3, FLAC, OGG, M4A (MPEG-4 audio), AAC (ADTS) and WebM;
 * video MP4 and QuickTime (MOV); and PDF. WebM is reported as {@code audio/webm} (its first bytes do
 * not tell audio from video); {@link dev.dspy4j.media.Video} declares it {@code video/webm}. Other types (plain text, CSV, ...) cannot be recognised and must be declared.
 *
 * <p>Recognised is not accepted: each provider client checks the types it can send (OpenAI and
 * Anthropic take PNG, JPEG, GIF and WebP images; OpenAI takes WAV and MP3 audio).
 */
final class MediaSniffer {
    /** How many leading bytes {@link #sniff} looks at. */
    public static final int HEAD_BYTES = 64;

    private static final Set<MediaType> RECOGNISED = Set.of(
            MediaType.PNG,
            MediaType.JPEG,
            MediaType.GIF,
            MediaType.WEBP,
            MediaType.BMP,
            MediaType.TIFF,
            MediaType.HEIC,
            MediaType.HEIF,
            MediaType.AVIF,
            MediaType.WAV,
            MediaType.MP3,
            MediaType.FLAC,
            MediaType.OGG,
            MediaType.M4A,
            MediaType.AAC,
            MediaType.WEBM,
            MediaType.MP4,
            MediaType.MOV,
            MediaType.PDF);

    /** The recognised types, for error messages. */
    static final String RECOGNISED_NAMES = "PNG, JPEG, GIF, WEBP, BMP, TIFF, HEIC/HEIF, AVIF, WAV, MP3, FLAC, OGG,"
            + " M4A, AAC, WEBM, MP4, MOV and PDF";

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
        if (isAdtsFrame(head, length)) return MediaType.AAC;
        if (startsWith(head, length, 0, 'f', 'L', 'a', 'C')) return MediaType.FLAC;
        if (startsWith(head, length, 0, 'O', 'g', 'g', 'S')) return MediaType.OGG;
        if (startsWith(head, length, 0, '%', 'P', 'D', 'F', '-')) return MediaType.PDF;
        // BMP: "BM", the file size, then two reserved 16-bit fields that are zero
        if (startsWith(head, length, 0, 'B', 'M') && startsWith(head, length, 6, 0, 0, 0, 0)) return MediaType.BMP;
        if (startsWith(head, length, 0, 'I', 'I', 0x2A, 0) || startsWith(head, length, 0, 'M', 'M', 0, 0x2A)) {
            return MediaType.TIFF;
        }
        if (startsWith(head, length, 4, 'f', 't', 'y', 'p')) return isoBrand(head, length);
        if (startsWith(head, length, 0, 0x1A, 0x45, 0xDF, 0xA3)) {
            // EBML: WebM if the DocType element (42 82, a one-byte size, then the name) says so
            return indexOf(head, length, 0x42, 0x82, 0x84, 'w', 'e', 'b', 'm') > 0 ? MediaType.WEBM : null;
        }
        return null;
    }

    /** ISO brands in the order they decide: an AVIF or HEIC brand is more specific than the general mif1. */
    private static final java.util.List<MediaType> BRAND_ORDER = java.util.List.of(
            MediaType.AVIF, MediaType.HEIC, MediaType.HEIF, MediaType.M4A, MediaType.MOV, MediaType.MP4);

    /**
     * An ISO base media file ({@code ftyp} box): its major and compatible brands name AVIF, HEIC,
     * HEIF, M4A, QuickTime or MP4 video (the first of these found in that order); other brands (3GP, ...)
     * are not recognised.
     */
    private static MediaType isoBrand(byte[] b, int length) {
        if (length < 12) return null;
        long box = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        int end = (int) Math.min(length, Math.max(box, 12));
        int best = Integer.MAX_VALUE;
        // bytes 8..11 are the major brand, 12..15 the minor version, compatible brands follow
        for (int at = 8; at + 4 <= end; at += at == 8 ? 8 : 4) {
            MediaType t = brand(b, at);
            if (t != null) best = Math.min(best, BRAND_ORDER.indexOf(t));
        }
        return best == Integer.MAX_VALUE ? null : BRAND_ORDER.get(best);
    }

    private static MediaType brand(byte[] b, int at) {
        String brand = new String(b, at, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        switch (brand) {
            case "avif", "avis":
                return MediaType.AVIF;
            case "heic", "heix", "hevc", "hevx", "heim", "heis":
                return MediaType.HEIC;
            case "mif1", "msf1":
                return MediaType.HEIF;
            case "M4A ", "M4B ", "F4A ":
                return MediaType.M4A;
            case "qt  ":
                return MediaType.MOV;
            case "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "M4V ", "f4v ", "mmp4":
                return MediaType.MP4;
            default:
                return null;
        }
    }

    /** An AAC ADTS frame header: 12 sync bits, layer 00, a valid sampling-frequency index. */
    private static boolean isAdtsFrame(byte[] b, int length) {
        if (length < 3 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xF6) != 0xF0) return false;
        int frequency = (b[2] >> 2) & 0xF; // 13..15 are reserved
        return frequency < 13;
    }

    private static int indexOf(byte[] b, int length, int... needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if ((b[i + j] & 0xFF) != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** True if {@link #sniff} can recognise this type, so a declared type can be checked. */
    public static boolean recognises(MediaType type) {
        return RECOGNISED.contains(type);
    }

    /** A frame header without an ID3 tag: 11 sync bits, a valid MPEG version, layer III, a valid bitrate. */
    private static boolean isMpegAudioLayer3Frame(byte[] b, int length) {
        if (length < 3 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xE0) != 0xE0) return false;
        int version = (b[1] >> 3) & 0x3; // 01 is reserved
        int layer = (b[1] >> 1) & 0x3; // 01 is layer III
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

    /**
     * The media type of a payload whose first bytes are {@code head[0..length)}: the recognised type when
     * none is declared; else the declared one, which must agree with the recognised type where the bytes
     * are recognised ({@code application/octet-stream} agrees with anything), and bytes declared as a type
     * this class recognises must be recognised as it (video excepted: MP4 has many vendor brands).
     *
     * @param describe the source, for messages ("file /data/cat.png")
     * @throws PayloadException if the format is unknown and none is declared, or the bytes contradict the declared type
     */
    static MediaType typeOf(String describe, byte[] head, int length, MediaType declared) {
        MediaType sniffed = sniff(head, length);
        MediaType type;
        if (declared == null) {
            if (sniffed == null) {
                throw new PayloadException(describe + " is of an unknown format (first bytes "
                        + hexHead(head, length) + "); recognised formats are "
                        + RECOGNISED_NAMES + ", other types must be declared");
            }
            type = sniffed;
        } else {
            // application/octet-stream claims nothing about the bytes, so it contradicts nothing
            if (sniffed != null && !declared.agreesWithSniffed(sniffed) && !declared.equals(MediaType.OCTET_STREAM)) {
                throw new PayloadException(describe + " was declared " + declared + " but its bytes are " + sniffed);
            }
            // (video is exempt: MP4 has many vendor brands the sniffer does not list)
            if (sniffed == null && recognises(declared) && !declared.isVideo()) {
                throw new PayloadException(describe + " was declared " + declared
                        + " but its bytes are not " + declared + " (first bytes "
                        + hexHead(head, length) + ")");
            }
            type = declared;
        }
        return type;
    }
}
