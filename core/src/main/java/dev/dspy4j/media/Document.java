package dev.dspy4j.media;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A document input: plain text or PDF, with an optional title and context, and a flag asking the
 * provider for citations.
 *
 * @param payload   the bytes ({@code text/plain} or {@code application/pdf})
 * @param title     a title, or null
 * @param context   context about the document, or null
 * @param citations whether the provider should cite passages of this document
 */
public record Document(Payload payload, String title, String context, boolean citations) implements Media {

    public Document {
        Objects.requireNonNull(payload, "payload");
        if (!payload.mediaType().equals(MediaType.PDF) && !payload.mediaType().equals(MediaType.TEXT)) {
            throw new PayloadException(payload.describe() + " is " + payload.mediaType()
                    + "; documents must be text/plain or application/pdf");
        }
    }

    /** A plain-text document. */
    public static Document ofText(String text) {
        return new Document(Payload.wrap(text.getBytes(StandardCharsets.UTF_8), MediaType.TEXT), null, null, false);
    }

    /** A PDF or text document from a file (PDF is sniffed; anything else must be declared with {@link #of(Path, MediaType)}). */
    public static Document of(Path file) {
        return new Document(Payload.of(file), null, null, false);
    }

    /** A document from a file with a declared type. */
    public static Document of(Path file, MediaType type) {
        return new Document(Payload.of(file, type), null, null, false);
    }

    public Document withTitle(String newTitle) {
        return new Document(payload, newTitle, context, citations);
    }

    public Document withContext(String newContext) {
        return new Document(payload, title, newContext, citations);
    }

    public Document withCitations(boolean enabled) {
        return new Document(payload, title, context, enabled);
    }

    @Override
    public String toString() {
        return "Document[" + (title == null ? "" : title + ", ") + payload + "]";
    }
}
