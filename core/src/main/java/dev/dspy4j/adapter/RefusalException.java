package dev.dspy4j.adapter;

import dev.dspy4j.lm.Completion;
import dev.dspy4j.signature.Signature;

/**
 * The model refused to answer (OpenAI's {@code refusal}, Anthropic's {@code stop_reason} of
 * {@code refusal}), so the completion holds no outputs to parse. Carries the refusal text. Not an
 * {@link AdapterParseException}: asking again in another format would not help, so no adapter
 * fallback catches it.
 */
public final class RefusalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String refusal;
    private final String finishReason;

    public RefusalException(Signature signature, Completion completion) {
        super("the model refused to answer " + signature.name() + " (" + signature.toSignatureString() + ")"
                + (completion.finishReason() == null ? "" : ", finish reason " + completion.finishReason())
                + (completion.refusal().isEmpty() ? "" : ": " + completion.refusal()));
        this.refusal = completion.refusal();
        this.finishReason = completion.finishReason();
    }

    /** Throws if {@code completion} is a refusal. */
    public static void check(Signature signature, Completion completion) {
        if (completion.refused()) throw new RefusalException(signature, completion);
    }

    /** The model's refusal text (possibly empty). */
    public String refusal() {
        return refusal;
    }

    /** The provider's finish reason, or null. */
    public String finishReason() {
        return finishReason;
    }
}
