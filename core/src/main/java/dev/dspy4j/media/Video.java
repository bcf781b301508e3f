package dev.dspy4j.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A video input: MP4, QuickTime (MOV) or WebM as sniffed, or any {@code video/...} type the caller
 * declares (MPEG, AVI, FLV, WMV, 3GPP). Of the providers here only Gemini takes video
 * ({@code inline_data}, or the Files API for large clips); the OpenAI and Anthropic clients refuse a
 * video part before sending, naming it.
 *
 * <p>Bytes sniffed as {@code audio/mp4} or {@code audio/webm} (their first bytes cannot tell audio
 * from video) are taken as {@code video/mp4} and {@code video/webm}.
 *
 * @param payload the bytes, of a {@code video/...} type
 */
public record Video(Payload payload) implements Media {

    /**
     * Checks that the payload is video.
     *
     * @param payload the bytes; not null
     * @throws PayloadException if the payload's media type is not {@code video/...}
     */
    public Video {
        Objects.requireNonNull(payload, "payload");
        if (!payload.mediaType().isVideo()) {
            throw new PayloadException(
                    payload.describe() + " is " + payload.mediaType()
                            + ", not video (video inputs have a video/... type such as video/mp4, video/quicktime or video/webm)");
        }
    }

    /**
     * A video from a file, read on demand; the type is recognised from its first bytes (MP4, MOV, WebM).
     *
     * @param file a video file
     * @return the video
     * @throws PayloadException if the file cannot be read, is over 50 MB, or is not recognised video
     */
    public static Video of(Path file) {
        return new Video(asVideo(Payload.of(file), t -> Payload.of(file, t)));
    }

    /**
     * A video from a file with a declared type, for formats that are not recognised from their bytes.
     *
     * @param file a video file
     * @param type a {@code video/...} type, e.g. {@code video/mpeg}
     * @return the video
     * @throws PayloadException if the file cannot be read, is over 50 MB, or contradicts {@code type}
     */
    public static Video of(Path file, MediaType type) {
        return new Video(Payload.of(file, type));
    }

    /**
     * A video from a copy of {@code bytes}; the type is recognised from the bytes.
     *
     * @param bytes the encoded video, copied once
     * @return the video
     * @throws PayloadException if the bytes are over 50 MB or not recognised video
     */
    public static Video of(byte[] bytes) {
        byte[] copy = bytes.clone(); // one copy, also when the type must be declared again below
        return new Video(asVideo(Payload.wrap(copy), t -> Payload.wrap(copy, t)));
    }

    /**
     * A video over an existing payload (no copy).
     *
     * @param payload bytes of a {@code video/...} type
     * @return the video
     * @throws PayloadException if the payload is not video
     */
    public static Video of(Payload payload) {
        return new Video(payload);
    }

    /**
     * A video from a {@code data:video/...;base64,...} URI, decoded once.
     *
     * @param dataUri the data URI
     * @return the video
     * @throws PayloadException if it is not a base64 data URI of video the bytes agree with
     */
    public static Video fromDataUri(String dataUri) {
        return new Video(Payload.ofDataUri(dataUri));
    }

    private static Payload asVideo(Payload sniffed, java.util.function.Function<MediaType, Payload> declared) {
        MediaType t = sniffed.mediaType();
        if (t.isAudio() && (t.subtype().equals("mp4") || t.subtype().equals("webm"))) {
            return declared.apply(MediaType.of("video/" + t.subtype()));
        }
        return sniffed;
    }

    @Override
    public String toString() {
        return "Video[" + payload + "]";
    }
}
