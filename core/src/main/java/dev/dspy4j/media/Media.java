package dev.dspy4j.media;

/** A media value that can stand in a prompt: an {@link Image}, {@link Audio}, {@link Video}, {@link File} or {@link Document}. */
public sealed interface Media permits Image, Audio, Video, File, Document {
    /** {@return the bytes, or null for a value that is only a reference (a remote URL or a provider file id)} */
    Payload payload();
}
