package dev.dspy4j.lm.gemini;

import java.time.Instant;

/**
 * A file stored by the Gemini Files API ({@code files/{id}}), as its {@code File} resource describes it.
 *
 * @param name       the resource name, {@code files/abc123}
 * @param uri        the URI a request refers to it by ({@code file_data.file_uri})
 * @param mimeType   its media type as Gemini recorded it, or null
 * @param sizeBytes  its size, or -1 if not reported
 * @param state      {@code PROCESSING}, {@code ACTIVE} or {@code FAILED} (null if not reported)
 * @param expiration when Gemini deletes it (48 hours after upload), or null if not reported
 */
public record GeminiFile(String name, String uri, String mimeType, long sizeBytes, String state, Instant expiration) {

    /** {@return true once Gemini can use it in a request (state {@code ACTIVE}, or no state reported)} */
    public boolean isActive() {
        return state == null || state.equals("ACTIVE");
    }
}
