package dev.dspy4j.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An audio input: WAV or MP3 (the formats chat-completion providers accept inline).
 *
 * @param payload the bytes, of type {@code audio/wav} or {@code audio/mpeg}
 */
public record Audio(Payload payload) implements Media {

    public Audio {
        Objects.requireNonNull(payload, "payload");
        if (!payload.mediaType().equals(MediaType.WAV) && !payload.mediaType().equals(MediaType.MP3)) {
            throw new PayloadException(payload.describe() + " is " + payload.mediaType()
                    + "; audio inputs must be audio/wav or audio/mpeg (mp3)");
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

    /** The wire format name: {@code wav} or {@code mp3}. */
    public String format() {
        return payload.mediaType().equals(MediaType.WAV) ? "wav" : "mp3";
    }

    @Override
    public String toString() {
        return "Audio[" + payload + "]";
    }
}
