package dev.dspy4j.cache;

/** A cache could not be opened, read or written; the message names the file and the reason. */
public class CacheException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CacheException(String message) {
        super(message);
    }

    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
