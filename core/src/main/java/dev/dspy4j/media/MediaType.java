package dev.dspy4j.media;

import java.util.Locale;
import java.util.Objects;

/**
 * A media type such as {@code image/png}: lower-cased, without parameters.
 *
 * @param value the type, e.g. {@code audio/wav}
 */
public record MediaType(String value) {
    /** PNG. */
    public static final MediaType PNG = new MediaType("image/png");
    /** JPEG. */
    public static final MediaType JPEG = new MediaType("image/jpeg");
    /** GIF. */
    public static final MediaType GIF = new MediaType("image/gif");
    /** WebP. */
    public static final MediaType WEBP = new MediaType("image/webp");
    /** BMP. */
    public static final MediaType BMP = new MediaType("image/bmp");
    /** TIFF. */
    public static final MediaType TIFF = new MediaType("image/tiff");
    /** HEIF holding HEVC-coded images (brands heic, heix, hevc, hevx, heim, heis). */
    public static final MediaType HEIC = new MediaType("image/heic");
    /** HEIF of another or a general brand (mif1, msf1). */
    public static final MediaType HEIF = new MediaType("image/heif");

    /** AVIF (AV1 in HEIF, brands avif and avis). */
    public static final MediaType AVIF = new MediaType("image/avif");
    /** WAV (RIFF WAVE); {@code audio/x-wav} and {@code audio/wave} are read as this. */
    public static final MediaType WAV = new MediaType("audio/wav");
    /** MP3; {@code audio/mp3} is read as this. */
    public static final MediaType MP3 = new MediaType("audio/mpeg");
    /** FLAC. */
    public static final MediaType FLAC = new MediaType("audio/flac");
    /** Ogg (any codec in an Ogg container). */
    public static final MediaType OGG = new MediaType("audio/ogg");
    /** MPEG-4 audio, as in {@code .m4a} files. */
    public static final MediaType M4A = new MediaType("audio/mp4");
    /** AAC in an ADTS stream ({@code .aac} files). */
    public static final MediaType AAC = new MediaType("audio/aac");
    /** WebM (Matroska with the webm doc type); taken as audio, the kind of input it is used for here. */
    public static final MediaType WEBM = new MediaType("audio/webm");
    /** MPEG-4 video (ISO base media brands isom, iso2..iso6, mp41, mp42, avc1, dash, ...). */
    public static final MediaType MP4 = new MediaType("video/mp4");
    /** QuickTime movies ({@code .mov}, ISO brand {@code qt  }). */
    public static final MediaType MOV = new MediaType("video/quicktime");
    /** WebM declared as video ({@link #WEBM} is what sniffing gives: the container cannot tell). */
    public static final MediaType WEBM_VIDEO = new MediaType("video/webm");

    /** PDF. */
    public static final MediaType PDF = new MediaType("application/pdf");
    /** Plain text (UTF-8 where the library writes it). */
    public static final MediaType TEXT = new MediaType("text/plain");
    /** Any bytes: a declared type that skips the format check. */
    public static final MediaType OCTET_STREAM = new MediaType("application/octet-stream");

    /**
     * Normalises the value: drops parameters ({@code ;charset=...}), lower-cases it and maps common
     * aliases to one name ({@code image/jpg} to {@code image/jpeg}, {@code audio/x-wav} to
     * {@code audio/wav}, ...).
     *
     * @param value a media type, possibly with parameters and in any case
     * @throws IllegalArgumentException if the value is not of the form {@code type/subtype}
     */
    public MediaType {
        Objects.requireNonNull(value, "value");
        int semi = value.indexOf(';');
        value = (semi >= 0 ? value.substring(0, semi) : value).trim().toLowerCase(Locale.ROOT);
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1 || value.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("'" + value + "' is not a media type (expected type/subtype)");
        }
        if (value.equals("audio/x-wav") || value.equals("audio/wave")) value = "audio/wav";
        if (value.equals("audio/mp3")) value = "audio/mpeg";
        if (value.equals("image/jpg")) value = "image/jpeg";
        if (value.equals("image/x-ms-bmp") || value.equals("image/x-bmp")) value = "image/bmp";
        if (value.equals("audio/x-m4a") || value.equals("audio/m4a")) value = "audio/mp4";
        if (value.equals("audio/x-flac")) value = "audio/flac";
        if (value.equals("audio/x-aac")) value = "audio/aac";
        if (value.equals("video/mov")) value = "video/quicktime";
    }

    /**
     * Parses a media type; aliases such as {@code image/jpg} and {@code audio/x-wav} are normalised.
     *
     * @param value e.g. {@code image/png} or {@code text/plain; charset=utf-8}
     * @return the normalised type
     * @throws IllegalArgumentException if the value is not of the form {@code type/subtype}
     */
    public static MediaType of(String value) {
        return new MediaType(value);
    }

    /** {@return the part before the slash: {@code image}, {@code audio}, {@code application}, ...} */
    public String type() {
        return value.substring(0, value.indexOf('/'));
    }

    /** {@return the part after the slash, e.g. {@code png}} */
    public String subtype() {
        return value.substring(value.indexOf('/') + 1);
    }

    /** {@return true for an {@code image/...} type} */
    public boolean isImage() {
        return type().equals("image");
    }

    /** {@return true for an {@code audio/...} type} */
    public boolean isAudio() {
        return type().equals("audio");
    }

    /** {@return true for a {@code video/...} type} */
    public boolean isVideo() {
        return type().equals("video");
    }

    /**
     * Tells whether bytes sniffed as {@code sniffed} may be declared as this type: the same type, or
     * the same container taken as audio or video ({@code audio/mp4} and {@code video/mp4},
     * {@code audio/webm} and {@code video/webm}), which the first bytes cannot tell apart.
     *
     * @param sniffed the type recognised from the bytes
     * @return true if this declared type agrees with it
     */
    public boolean agreesWithSniffed(MediaType sniffed) {
        if (equals(sniffed)) return true;
        boolean av = (isAudio() || isVideo()) && (sniffed.isAudio() || sniffed.isVideo());
        return av
                && subtype().equals(sniffed.subtype())
                && (subtype().equals("mp4") || subtype().equals("webm"));
    }

    /** {@return true for text a model can read as it is: {@code text/...}, {@code application/json} and {@code application/xml}} */
    public boolean isText() {
        return type().equals("text") || value.equals("application/json") || value.equals("application/xml");
    }

    @Override
    public String toString() {
        return value;
    }
}
