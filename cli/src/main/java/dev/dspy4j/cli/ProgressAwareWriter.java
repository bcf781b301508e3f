package dev.dspy4j.cli;

import java.io.PrintWriter;

/**
 * Standard error for a command that draws a progress line on a terminal: the line is redrawn in place
 * (carriage return, no newline), so anything else written to stderr (a warning from a row thread, a batch
 * status line, the summary) would be glued to its end ({@code ETA --:--8 rows: ...}). Every write that
 * is not the progress line first clears the open progress line, so other lines always start at column 0;
 * the next progress update draws it again below them. Thread-safe: writes hold the writer's lock.
 */
final class ProgressAwareWriter extends PrintWriter {
    private final PrintWriter target;
    private int open; // the length of the progress line drawn without a newline; 0 when none is open

    ProgressAwareWriter(PrintWriter target) {
        super(target);
        this.target = target;
    }

    /** Draws {@code line} in place of the open progress line (padding over a longer old one). */
    void drawProgress(String line) {
        synchronized (lock) {
            target.print("\r" + line + " ".repeat(Math.max(0, open - line.length())));
            open = Math.max(1, line.length());
            target.flush();
        }
    }

    /** Ends the open progress line with a newline, leaving it on screen (the final state). */
    void endProgress() {
        synchronized (lock) {
            if (open > 0) target.println();
            open = 0;
            target.flush();
        }
    }

    /** Clears the open progress line, if any, so the next text starts at column 0. */
    private void clearProgress() {
        if (open == 0) return;
        target.print("\r" + " ".repeat(open) + "\r");
        open = 0;
    }

    @Override
    public void write(int c) {
        synchronized (lock) {
            clearProgress();
            super.write(c);
        }
    }

    @Override
    public void write(char[] buf, int off, int len) {
        synchronized (lock) {
            clearProgress();
            super.write(buf, off, len);
        }
    }

    @Override
    public void write(String s, int off, int len) {
        synchronized (lock) {
            clearProgress();
            super.write(s, off, len);
        }
    }

    @Override
    public void println() {
        synchronized (lock) {
            clearProgress();
            super.println();
        }
    }
}
