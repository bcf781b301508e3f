package dev.dspy4j.media;

import java.util.Locale;
import java.util.Objects;

/**
 * A media type such as {@code image/png}: lower-cased, without parameters.
 *
 * @param value the type, e.g. {@code audio/wav}
 */
public record MediaType(String value) {
    public static final MediaType PNG = new MediaType("image/png");
    public static final MediaType JPEG = new MediaType("image/jpeg");
    public static final MediaType GIF = new MediaType("image/gif");
    public static final MediaType WEBP = new MediaType("image/webp");
    public static final MediaType WAV = new MediaType("audio/wav");
    public static final MediaType MP3 = new MediaType("audio/mpeg");
    public static final MediaType FLAC = new MediaType("audio/flac");
    public static final MediaType OGG = new MediaType("audio/ogg");
    public static final MediaType PDF = new MediaType("application/pdf");
    public static final MediaType TEXT = new MediaType("text/plain");
    public static final MediaType OCTET_STREAM = new MediaType("application/octet-stream");

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
    }

    /** Parses a media type; aliases such as {@code image/jpg} and {@code audio/x-wav} are normalized. */
    public static MediaType of(String value) {
        return new MediaType(value);
    }

    /** The part before the slash: {@code image}, {@code audio}, {@code application}, ... */
    public String type() {
        return value.substring(0, value.indexOf('/'));
    }

    /** The part after the slash. */
    public String subtype() {
        return value.substring(value.indexOf('/') + 1);
    }

    public boolean isImage() {
        return type().equals("image");
    }

    public boolean isAudio() {
        return type().equals("audio");
    }

    @Override
    public String toString() {
        return value;
    }
}
