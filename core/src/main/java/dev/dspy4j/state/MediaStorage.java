package dev.dspy4j.state;

/** How {@link ProgramState#save} stores the media (images, audio, files, documents) found in demos. */
public enum MediaStorage {
    /**
     * Each payload is written once, as a file named by its SHA-256 in a folder next to the JSON
     * ({@code prog.json} gets {@code prog.media/}); the JSON refers to it by relative path, media
     * type, size and digest. Loading reads nothing but the digest check; prompts refer to the files.
     */
    FILES,
    /** Each payload is written into the JSON as a {@code data:<type>;base64,...} URI. */
    INLINE
}
