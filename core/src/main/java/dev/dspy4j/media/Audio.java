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

    /**
     * Checks that the payload is audio.
     *
     * @param payload the bytes; not null
     * @throws PayloadException if the payload's media type is not {@code audio/...}
     */
    public Audio {
        Objects.requireNonNull(payload, "payload");
        if (!payload.mediaType().isAudio()) {
            throw new PayloadException(payload.describe() + " is " + payload.mediaType()
                    + ", not audio (audio inputs have an audio/... type such as audio/wav or audio/mpeg)");
        }
    }

    /**
     * Audio from a file, read on demand; the format is recognised from its first bytes.
     *
     * @param file an audio file
     * @return the audio
     * @throws PayloadException if the file cannot be read, is over 50 MB, or is not recognised audio
     */
    public static Audio of(Path file) {
        return new Audio(Payload.of(file));
    }

    /**
     * Audio from a copy of {@code bytes}; the format is recognised from the bytes.
     *
     * @param bytes the encoded audio (not raw samples), copied once
     * @return the audio
     * @throws PayloadException if the bytes are over 50 MB or not recognised audio
     */
    public static Audio of(byte[] bytes) {
        return new Audio(Payload.of(bytes));
    }

    /**
     * Audio over an existing payload (no copy).
     *
     * @param payload bytes of an {@code audio/...} type
     * @return the audio
     * @throws PayloadException if the payload is not audio
     */
    public static Audio of(Payload payload) {
        return new Audio(payload);
    }

    /**
     * Audio from a {@code data:audio/...;base64,...} URI, decoded once.
     *
     * @param dataUri the data URI
     * @return the audio
     * @throws PayloadException if it is not a base64 data URI of audio the bytes agree with
     */
    public static Audio fromDataUri(String dataUri) {
        return new Audio(Payload.ofDataUri(dataUri));
    }

    /**
     * {@return the short format name providers use (OpenAI's {@code input_audio.format}): {@code wav},
     * {@code mp3}, {@code flac}, {@code ogg}, {@code m4a}, {@code aac}, {@code webm}, else the media
     * subtype}
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
