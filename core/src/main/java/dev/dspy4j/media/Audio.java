package dev.dspy4j.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An audio input (WAV or MP3).
 *
 * @param payload the bytes
 */
public record Audio(Payload payload) implements Media {

    public Audio {
        Objects.requireNonNull(payload, "payload");
        if (!payload.mediaType().equals(MediaType.WAV) && !payload.mediaType().equals(MediaType.MP3)) {
            throw new PayloadException(payload.describe() + " is " + payload.mediaType()
                    + "; audio inputs must be audio/wav or audio/mpeg");
        }
    }

    /** Audio from a file, read on demand. */
    public static Audio of(Path file) {
        return new Audio(Payload.of(file));
    }

    /** Audio from a copy of {@code bytes}. */
    public static Audio of(byte[] bytes) {
        return new Audio(Payload.of(bytes));
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
