package dev.dspy4j.lm;

/**
 * A passage of a document that supports part of a completion (Anthropic citations).
 *
 * @param type          the location kind: {@code char_location} (plain-text documents),
 *                      {@code page_location} (PDF), {@code content_block_location} (custom content),
 *                      {@code web_search_result_location}, {@code search_result_location}
 * @param citedText     the cited passage
 * @param documentIndex the index of the cited document among the request's documents, or -1
 * @param documentTitle the document's title (or a search result's title), or null
 * @param url           the source URL of a web search result, or null
 * @param start         where the passage starts: a character index (char_location), a page number
 *                      (page_location, 1-based) or a block index; -1 if not given
 * @param end           where it ends, exclusive, in the same unit; -1 if not given
 * @param supportedText the completion text this citation supports (the text block it came with)
 */
public record Citation(
        String type,
        String citedText,
        int documentIndex,
        String documentTitle,
        String url,
        long start,
        long end,
        String supportedText) {
    /**
     * A null {@code type}, {@code citedText} or {@code supportedText} becomes {@code ""}.
     *
     * @param type          the location kind; null is {@code ""}
     * @param citedText     the cited passage; null is {@code ""}
     * @param documentIndex the cited document's index, or -1
     * @param documentTitle the document's title, or null
     * @param url           a web search result's URL, or null
     * @param start         where the passage starts, or -1
     * @param end           where it ends, exclusive, or -1
     * @param supportedText the completion text it supports; null is {@code ""}
     */
    public Citation {
        type = type == null ? "" : type;
        citedText = citedText == null ? "" : citedText;
        supportedText = supportedText == null ? "" : supportedText;
    }
}
