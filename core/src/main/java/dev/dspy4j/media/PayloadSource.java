package dev.dspy4j.media;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a payload's bytes live. Implementations must return the same bytes from every
 * {@link #open()} (or fail with an {@link IOException} saying why not).
 */
public interface PayloadSource {
    /** The number of bytes. */
    long size() throws IOException;

    /** A new stream over all the bytes. */
    InputStream open() throws IOException;

    /** Names the source in error messages, e.g. the file path. */
    String describe();

    /**
     * Checks that the bytes have not changed since {@code size()} was first taken (a file source
     * compares size and modification time); the default does nothing.
     */
    default void checkUnchanged() throws IOException {}
}
