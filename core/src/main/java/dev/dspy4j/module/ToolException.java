package dev.dspy4j.module;

/**
 * A tool call that failed: bad arguments from the LM (missing, unknown, or not convertible to the
 * parameter's type), or an exception thrown by the tool itself (the cause).
 */
public final class ToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The name of the tool whose call failed (serialized). */
    private final String tool;

    /**
     * A failed call of one tool. A tool may throw it itself: {@link Tool#invoke} passes it on
     * unchanged, and ReAct shows its message to the LM as the observation.
     *
     * @param tool the tool's name
     * @param message what went wrong, naming the argument or the tool's own failure
     * @param cause the tool's exception, or {@code null} for a bad argument
     */
    public ToolException(String tool, String message, Throwable cause) {
        super(message, cause);
        this.tool = tool;
    }

    /** {@return the name of the tool whose call failed} */
    public String tool() {
        return tool;
    }
}
