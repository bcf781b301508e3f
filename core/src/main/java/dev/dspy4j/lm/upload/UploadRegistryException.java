package dev.dspy4j.lm.upload;

/** An upload registry could not read or write its store (the message names the file and the cause). */
public class UploadRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the registry's file and what failed
     * @param cause the store's error (an {@code SQLException}, ...)
     */
    public UploadRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
