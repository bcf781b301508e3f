package dev.dspy4j.module;

/**
 * A tool call that failed: bad arguments from the LM (missing, unknown, or not convertible to the
 * parameter's type), or an exception thrown by the tool itself (the cause).
 */
public final class ToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String tool;

    public ToolException(String tool, String message, Throwable cause) {
        super(message, cause);
        this.tool = tool;
    }

    /** The tool's name. */
    public String tool() {
        return tool;
    }
}
