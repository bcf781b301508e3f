package dev.dspy4j.media;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A document input: plain text or PDF, with an optional title and context, and a flag asking the
 * provider to cite passages of it. Immutable; the {@code with...} methods return copies that share
 * the payload.
 *
 * @param payload   the bytes ({@code text/plain} or {@code application/pdf})
 * @param title     a title, or null
 * @param context   context about the document (not cited), or null
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

    /** A plain-text document (UTF-8). */
    public static Document ofText(String text) {
        Objects.requireNonNull(text, "text");
        return new Document(Payload.wrap(text.getBytes(StandardCharsets.UTF_8), MediaType.TEXT), null, null, false);
    }

    /** A PDF document from a file, read on demand (the bytes must be a PDF). */
    public static Document of(Path file) {
        return new Document(Payload.of(file, MediaType.PDF), null, null, false);
    }

    /** A document from a file with a declared type ({@code text/plain} or {@code application/pdf}). */
    public static Document of(Path file, MediaType type) {
        return new Document(Payload.of(file, type), null, null, false);
    }

    /** A plain-text document from a UTF-8 file, read on demand. */
    public static Document ofTextFile(Path file) {
        return of(file, MediaType.TEXT);
    }

    /** A PDF document from a copy of {@code bytes}. */
    public static Document ofPdf(byte[] bytes) {
        return new Document(Payload.of(bytes, MediaType.PDF), null, null, false);
    }

    /** A document over an existing payload (no copy). */
    public static Document of(Payload payload) {
        return new Document(payload, null, null, false);
    }

    /** True for a PDF, false for plain text. */
    public boolean isPdf() {
        return payload.mediaType().equals(MediaType.PDF);
    }

    /** This document with a title (null for none). */
    public Document withTitle(String newTitle) {
        return new Document(payload, newTitle, context, citations);
    }

    /** This document with context about it (null for none). */
    public Document withContext(String newContext) {
        return new Document(payload, title, newContext, citations);
    }

    /** This document with citations enabled or disabled. */
    public Document withCitations(boolean enabled) {
        return new Document(payload, title, context, enabled);
    }

    @Override
    public String toString() {
        return "Document[" + (title == null ? "" : title + ", ") + payload + (citations ? ", citations" : "") + "]";
    }
}
