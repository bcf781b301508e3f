package dev.dspy4j.cli;

import java.io.Console;

/**
 * A progress bar on stderr: done/total, rate, ETA and errors. On a terminal it redraws one line
 * (at most ten times a second); otherwise it prints a line every few seconds. {@link #finish} draws
 * the final state exactly once, however many rows reported reaching the total before it.
 */
final class Progress {
    private static final int WIDTH = 30;

    private final ProgressAwareWriter err;
    private final long total;
    private final boolean terminal;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean finished;

    /** Whether stderr is a terminal; tests replace it to see what a terminal gets. */
    static java.util.function.BooleanSupplier terminalCheck = Progress::onTerminal;

    /**
     * A progress bar drawn on {@code err}, which every other stderr line of the command must go through
     * (it clears an open progress line before them).
     */
    Progress(ProgressAwareWriter err, long total, boolean terminal, boolean enabled) {
        this.err = err;
        this.total = total;
        this.terminal = terminal;
        this.enabled = enabled;
    }

    /**
     * Whether the process talks to a terminal. Up to Java 21 {@code System.console()} is null exactly when
     * it does not; from Java 22 it is never null and {@code Console.isTerminal()} (looked up reflectively,
     * since this code is compiled for 17) answers instead.
     */
    @SuppressWarnings("SystemConsoleNull") // the null check is the Java 17-21 answer; 22+ is asked isTerminal()
    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException beforeJava22) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** Reports progress; cheap when called often. The final state is left to {@link #finish}. */
    synchronized void update(long done, long errors, long cached) {
        if (!enabled || finished || done >= total) return;
        long now = System.nanoTime();
        long interval = terminal ? 100_000_000L : 5_000_000_000L;
        if (lastDraw != 0 && now - lastDraw < interval) return;
        draw(render(done, errors, cached, now));
        lastDraw = now;
    }

    /** Draws the final line, once; later calls do nothing. */
    synchronized void finish(long done, long errors, long cached) {
        if (!enabled || finished) return;
        finished = true;
        draw(render(done, errors, cached, System.nanoTime()));
        err.endProgress();
    }

    private void draw(String line) {
        if (terminal) {
            err.drawProgress(line);
        } else {
            err.println(line);
            err.flush();
        }
    }

    String render(long done, long errors, long cached, long now) {
        double secs = (now - start) / 1e9;
        double rate = secs > 0 ? done / secs : 0;
        int filled = total == 0 ? WIDTH : (int) (WIDTH * Math.min(done, total) / total);
        StringBuilder sb = new StringBuilder("[");
        sb.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
        sb.append(done).append('/').append(total).append(" rows  ");
        sb.append(String.format("%.1f rows/s  ", rate));
        if (done >= total) {
            sb.append("done in ").append(clock(secs));
        } else if (finished) {
            sb.append("stopped after ").append(clock(secs));
        } else {
            sb.append("ETA ").append(rate > 0 ? clock((total - done) / rate) : "--:--");
        }
        if (cached > 0) sb.append("  ").append(cached).append(" cached");
        if (errors > 0) sb.append("  ").append(errors).append(errors == 1 ? " error" : " errors");
        return sb.toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        return String.format("%02d:%02d", s / 60, s % 60);
    }
}
