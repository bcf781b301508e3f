package dev.dspy4j.cache;

/** A cache could not be opened, read or written; the message names the file and the reason. */
public class CacheException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with a message naming the file and the reason. */
    public CacheException(String message) {
        super(message);
    }

    /** An error caused by {@code cause} (an SQLite or I/O failure). */
    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
