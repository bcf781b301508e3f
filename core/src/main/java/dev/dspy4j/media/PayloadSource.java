package dev.dspy4j.media;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a payload's bytes live. Implementations must return the same bytes from every
 * {@link #open()} (or fail with an {@link IOException} saying why not).
 */
public interface PayloadSource {
    /**
     * Tells how many bytes the source holds; a payload reads this once, when it is created.
     *
     * @return the number of bytes
     * @throws IOException if the source cannot be read
     */
    long size() throws IOException;

    /**
     * Opens a new stream over all the bytes; called once per digest pass and per send.
     *
     * @return the stream; the caller closes it
     * @throws IOException if the source cannot be read
     */
    InputStream open() throws IOException;

    /** {@return a name for the source in error messages, e.g. {@code file /data/cat.png}} */
    String describe();

    /**
     * Checks that the bytes have not changed since {@code size()} was first taken (a file source
     * compares size and modification time); the default does nothing.
     *
     * @throws IOException if the bytes changed or the source cannot be checked
     */
    default void checkUnchanged() throws IOException {}
}
