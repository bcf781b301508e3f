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

    /** The model's refusal text (possibly empty). */
    private final String refusal;
    /** The provider's finish reason, or null. */
    private final String finishReason;

    /**
     * A refusal of one completion; the message names the signature, the finish reason and the
     * refusal text.
     *
     * @param signature the signature the model was asked to answer
     * @param completion the refused completion
     */
    RefusalException(Signature signature, Completion completion) {
        super("the model refused to answer " + signature.name() + " (" + signature.toSignatureString() + ")"
                + (completion.finishReason() == null ? "" : ", finish reason " + completion.finishReason())
                + (completion.refusal().isEmpty() ? "" : ": " + completion.refusal()));
        this.refusal = completion.refusal();
        this.finishReason = completion.finishReason();
    }

    /**
     * Throws if {@code completion} is a refusal ({@link Completion#refused()}); custom adapters call
     * it before parsing, as {@link Adapter#call} does.
     *
     * @param signature the signature the model was asked to answer, for the message
     * @param completion the completion to check
     * @throws RefusalException if the model refused
     */
    public static void check(Signature signature, Completion completion) {
        if (completion.refused()) throw new RefusalException(signature, completion);
    }

    /** {@return the model's refusal text; empty when the provider gave none} */
    public String refusal() {
        return refusal;
    }

    /** {@return the provider's finish reason as it sent it (e.g. {@code refusal}), or null} */
    public String finishReason() {
        return finishReason;
    }
}
