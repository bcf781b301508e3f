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

    private final String reason;
    private final List<String> categories;
    private final boolean promptBlocked;

    /**
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

    /** The provider's block reason, e.g. {@code SAFETY}, {@code PROHIBITED_CONTENT} or {@code content_filter}. */
    public String reason() {
        return reason;
    }

    /** The categories that caused the block, possibly empty. */
    public List<String> categories() {
        return categories;
    }

    /** True if the prompt was blocked before any answer was made; false if the answers were. */
    public boolean promptBlocked() {
        return promptBlocked;
    }
}
