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
    private final String location;

    /**
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

    public ProgramStateException(Path file, String location, String problem) {
        this(file, location, problem, null);
    }

    private static String message(Path file, String location, String problem) {
        StringBuilder sb = new StringBuilder();
        if (file != null) sb.append(file).append(": ");
        if (location != null) sb.append(location).append(": ");
        return sb.append(problem).toString();
    }

    /** The state file, or null. */
    public Path file() {
        return file;
    }

    /** The JSON path of the offending value, or null. */
    public String location() {
        return location;
    }
}
