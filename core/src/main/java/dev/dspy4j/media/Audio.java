package dev.dspy4j.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An audio input: any audio type the sniffer recognises or the caller declares (WAV, MP3, FLAC, OGG,
 * M4A, AAC, WebM, ...). Which of them a provider takes is checked by its client before sending
 * (OpenAI chat completions: WAV and MP3).
 *
 * @param payload the bytes, of an {@code audio/...} type
 */
public record Audio(Payload payload) implements Media {

    public Audio {
        Objects.requireNonNull(payload, "payload");
        if (!payload.mediaType().isAudio()) {
            throw new PayloadException(payload.describe() + " is " + payload.mediaType()
                    + ", not audio (audio inputs have an audio/... type such as audio/wav or audio/mpeg)");
        }
    }

    /** Audio from a file, read on demand; the format is sniffed. */
    public static Audio of(Path file) {
        return new Audio(Payload.of(file));
    }

    /** Audio from a copy of {@code bytes}; the format is sniffed. */
    public static Audio of(byte[] bytes) {
        return new Audio(Payload.of(bytes));
    }

    /** Audio over an existing payload (no copy). */
    public static Audio of(Payload payload) {
        return new Audio(payload);
    }

    /** Audio from a {@code data:audio/...;base64,...} URI, decoded once. */
    public static Audio fromDataUri(String dataUri) {
        return new Audio(Payload.ofDataUri(dataUri));
    }

    /**
     * The short format name providers use: {@code wav}, {@code mp3}, {@code flac}, {@code ogg},
     * {@code m4a}, {@code aac}, {@code webm}, else the media subtype.
     */
    public String format() {
        switch (payload.mediaType().value()) {
            case "audio/mpeg":
                return "mp3";
            case "audio/mp4":
                return "m4a";
            default:
                return payload.mediaType().subtype();
        }
    }

    @Override
    public String toString() {
        return "Audio[" + payload + "]";
    }
}
