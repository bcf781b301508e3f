package dev.dspy4j.cache;

import java.nio.file.Path;

/**
 * The cache file is damaged (SQLite reports corruption, or it is not a database). The message says
 * what to do: the file holds only cached responses, so deleting it (or choosing another directory)
 * loses nothing but the cached answers.
 */
public class CacheCorruptedException extends CacheException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * An error naming the damaged file.
     *
     * @param file    the damaged file
     * @param message says what failed and what to do
     * @param cause   the SQLite or I/O failure, or null
     */
    public CacheCorruptedException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** {@return the damaged file (not serialized: null after deserialization)} */
    public Path file() {
        return file;
    }
}
