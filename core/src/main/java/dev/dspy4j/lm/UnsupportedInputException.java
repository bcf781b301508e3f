package dev.dspy4j.lm;

/**
 * A request the provider's API cannot take (an image type it refuses, audio it has no format for,
 * a file kind it does not read), refused before anything is sent: an error in the caller's input,
 * not a failed LM call. It stays an {@link IllegalArgumentException}; {@link UsageScope} does not
 * count it as an LM call or error.
 */
public final class UnsupportedInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what the API cannot take and what it accepts, naming the part or file
     * @param cause   the underlying failure, or null
     */
    public UnsupportedInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
