package dev.dspy4j.signature;

/**
 * A signature string or record that cannot be turned into a {@link Signature}.
 * The message names the problem and, for strings, the character position where it was found.
 */
public final class SignatureException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Zero-based character position in the signature string, or -1. */
    private final int position;

    /**
     * Creates the exception.
     *
     * @param message the problem, naming the field or text at fault and what is accepted
     * @param position zero-based character position in the signature string, or -1 if not applicable
     */
    public SignatureException(String message, int position) {
        super(message);
        this.position = position;
    }

    /** {@return the zero-based character position in the signature string, or -1} */
    public int position() {
        return position;
    }
}
