package dev.dspy4j.cache;

import java.nio.file.Path;

/**
 * The cache directory or file cannot be written (read-only file system, permissions, an immutable
 * file). A caller may go on without a cache, or ask the user for another directory.
 */
public class CacheNotWritableException extends CacheException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    /**
     * An error naming the directory or file that cannot be written.
     *
     * @param path    the directory or file that cannot be written
     * @param message says what failed and what to do
     * @param cause   the SQLite or I/O failure, or null
     */
    public CacheNotWritableException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** {@return the directory or file that cannot be written (not serialized: null after deserialization)} */
    public Path path() {
        return path;
    }
}
