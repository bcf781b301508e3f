package dev.dspy4j.cache;

import java.nio.file.Path;

/**
 * The cache directory or file cannot be written (read-only file system, permissions, an immutable
 * file). A caller may go on without a cache, or ask the user for another directory.
 */
public class CacheNotWritableException extends CacheException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    public CacheNotWritableException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = path;
    }

    /** The directory or file that cannot be written. */
    public Path path() {
        return path;
    }
}
