package dev.dspy4j.lm.upload;

import java.time.Instant;
import java.util.Objects;

/** A file as a provider's Files API describes it. */
public record RemoteFile(
        String id, String filename, long bytes, String mediaType, String purpose, Instant created, Instant expires) {
    /**
     * Checks that the id is present and not blank.
     *
     * @param id        the provider's id ({@code file-abc} at OpenAI, {@code file_011C...} at Anthropic; for
     *                  Gemini the file's URI, which is what a request refers to)
     * @param filename  the name it was uploaded with, or null if not reported
     * @param bytes     its size in bytes, or -1 if not reported
     * @param mediaType its media type as the provider recorded it, or null
     * @param purpose   its purpose ({@code user_data}, {@code batch}, ...), or null where the provider has none
     * @param created   when it was created, or null if not reported
     * @param expires   when the provider deletes it, or null if it is kept until deleted
     */
    public RemoteFile {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) throw new IllegalArgumentException("a file id must not be blank");
    }
}
