package dev.dspy4j.cache;

/** A cache could not be opened, read or written; the message names the file and the reason. */
public class CacheException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error without a cause.
     *
     * @param message names the file and the reason
     */
    public CacheException(String message) {
        super(message);
    }

    /**
     * An error with a cause.
     *
     * @param message names the file and the reason
     * @param cause   the SQLite or I/O failure, or null
     */
    public CacheException(String message, Throwable cause) {
        super(message, cause);
    }
}
