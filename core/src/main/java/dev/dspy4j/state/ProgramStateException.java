package dev.dspy4j.state;

import java.nio.file.Path;

/**
 * A program state file that cannot be written, read or applied. The message names the file, the
 * location inside it (a JSON path such as {@code $.predictors.self.demos[2].values.image}) and what
 * is wrong.
 */
public final class ProgramStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** The JSON path of the offending value, or null. */
    private final String location;

    /**
     * A failure with a cause.
     *
     * @param file     the state file, or null if not known
     * @param location the JSON path inside the file, or null
     * @param problem  what is wrong
     * @param cause    the underlying failure, or null
     */
    public ProgramStateException(Path file, String location, String problem, Throwable cause) {
        super(message(file, location, problem), cause);
        this.file = file;
        this.location = location;
    }

    /**
     * A failure without a cause.
     *
     * @param file     the state file, or null if not known
     * @param location the JSON path inside the file, or null
     * @param problem  what is wrong
     */
    public ProgramStateException(Path file, String location, String problem) {
        this(file, location, problem, null);
    }

    private static String message(Path file, String location, String problem) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file).append(": ");
        if (location != null) sb.append(location).append(": ");
        return sb.append(problem).toString();
    }

    /** {@return the state file, or null (also after deserialization: the path is not serialized)} */
    public Path file() {
        return file;
    }

    /** {@return the JSON path of the offending value, such as {@code $.predictors.self.demos[2]}, or null} */
    public String location() {
        return location;
    }
}
