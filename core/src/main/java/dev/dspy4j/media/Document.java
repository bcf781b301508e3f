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

    /**
     * Checks that the payload is plain text or PDF.
     *
     * @param payload the bytes; not null
     * @param title a title, or null
     * @param context context about the document, or null
     * @param citations whether the provider should cite passages
     * @throws PayloadException if the payload is of another type
     */
    public Document {
        Objects.requireNonNull(payload, "payload");
        if (!payload.mediaType().equals(MediaType.PDF) && !payload.mediaType().equals(MediaType.TEXT)) {
            throw new PayloadException(payload.describe() + " is " + payload.mediaType()
                    + "; documents must be text/plain or application/pdf");
        }
    }

    /**
     * A plain-text document.
     *
     * @param text the document's text, encoded as UTF-8
     * @return the document, without title, context or citations
     * @throws PayloadException if the text is empty or over 50 MB as UTF-8
     */
    public static Document ofText(String text) {
        Objects.requireNonNull(text, "text");
        return new Document(Payload.wrap(text.getBytes(StandardCharsets.UTF_8), MediaType.TEXT), null, null, false);
    }

    /**
     * A PDF document from a file, read on demand.
     *
     * @param file a PDF file
     * @return the document
     * @throws PayloadException if the file cannot be read, is over 50 MB, or is not a PDF
     */
    public static Document of(Path file) {
        return new Document(Payload.of(file, MediaType.PDF), null, null, false);
    }

    /**
     * A document from a file with a declared type.
     *
     * @param file a text or PDF file
     * @param type {@link MediaType#TEXT} or {@link MediaType#PDF}
     * @return the document
     * @throws PayloadException if the file cannot be read, is over 50 MB, or is not of that type
     */
    public static Document of(Path file, MediaType type) {
        return new Document(Payload.of(file, type), null, null, false);
    }

    /**
     * A plain-text document from a UTF-8 file, read on demand.
     *
     * @param file a UTF-8 text file
     * @return the document
     * @throws PayloadException if the file cannot be read, is empty or over 50 MB
     */
    public static Document ofTextFile(Path file) {
        return of(file, MediaType.TEXT);
    }

    /**
     * A PDF document from a copy of {@code bytes}.
     *
     * @param bytes the PDF, copied once
     * @return the document
     * @throws PayloadException if the bytes are not a PDF or are over 50 MB
     */
    public static Document ofPdf(byte[] bytes) {
        return new Document(Payload.of(bytes, MediaType.PDF), null, null, false);
    }

    /**
     * A document over an existing payload (no copy).
     *
     * @param payload plain text or PDF bytes
     * @return the document
     * @throws PayloadException if the payload is of another type
     */
    public static Document of(Payload payload) {
        return new Document(payload, null, null, false);
    }

    /** {@return true for a PDF, false for plain text} */
    public boolean isPdf() {
        return payload.mediaType().equals(MediaType.PDF);
    }

    /**
     * Returns this document with a title.
     *
     * @param newTitle the title, or null for none
     * @return a copy sharing the payload
     */
    public Document withTitle(String newTitle) {
        return new Document(payload, newTitle, context, citations);
    }

    /**
     * Returns this document with context about it (given to the model, never cited).
     *
     * @param newContext the context, or null for none
     * @return a copy sharing the payload
     */
    public Document withContext(String newContext) {
        return new Document(payload, title, newContext, citations);
    }

    /**
     * Returns this document with citations enabled or disabled.
     *
     * @param enabled whether the provider should cite passages (Anthropic's {@code citations.enabled})
     * @return a copy sharing the payload
     */
    public Document withCitations(boolean enabled) {
        return new Document(payload, title, context, enabled);
    }

    @Override
    public String toString() {
        return "Document[" + (title == null ? "" : title + ", ") + payload + (citations ? ", citations" : "") + "]";
    }
}
