package dev.dspy4j.lm;

import java.util.List;

/**
 * The provider's safety system blocked the prompt or every answer: Gemini's
 * {@code promptFeedback.blockReason} or a candidate's {@code finishReason} of {@code SAFETY}
 * (and {@code PROHIBITED_CONTENT}, {@code BLOCKLIST}, {@code SPII}, {@code RECITATION},
 * {@code IMAGE_SAFETY}); Azure OpenAI's {@code content_filter} errors and finish reason. Not retried:
 * the same prompt would be blocked again.
 */
public class ContentBlockedException extends LmException {
    private static final long serialVersionUID = 1L;

    /** The provider's block reason. */
    private final String reason;

    /** The categories that caused the block (an unmodifiable copy), possibly empty. */
    private final List<String> categories;

    /** True if the prompt itself was blocked. */
    private final boolean promptBlocked;

    /**
     * Creates the exception.
     *
     * @param message         what was blocked, for people
     * @param status          the HTTP status: 200 for a block reported in a successful answer, else the
     *                        status of the provider's error (Azure's {@code content_filter} error)
     * @param providerMessage the provider's own message, or null
     * @param reason        the provider's reason, e.g. {@code SAFETY} or {@code content_filter}
     * @param categories    the categories that caused the block, e.g. {@code HARM_CATEGORY_HARASSMENT}
     *                      or {@code hate}; empty if the provider named none
     * @param promptBlocked true if the prompt itself was blocked, false if the answers were
     */
    public ContentBlockedException(
            String message,
            int status,
            String providerMessage,
            String reason,
            List<String> categories,
            boolean promptBlocked) {
        super(message, status, providerMessage, null);
        this.reason = reason;
        this.categories = List.copyOf(categories);
        this.promptBlocked = promptBlocked;
    }

    /** {@return the provider's block reason, e.g. {@code SAFETY}, {@code PROHIBITED_CONTENT} or {@code content_filter}} */
    public String reason() {
        return reason;
    }

    /** {@return the categories that caused the block, possibly empty} */
    public List<String> categories() {
        return categories;
    }

    /** {@return true if the prompt was blocked before any answer was made; false if the answers were} */
    public boolean promptBlocked() {
        return promptBlocked;
    }
}
