package dev.dspy4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.batch.BatchRun;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.batch.BatchStatus;
import dev.dspy4j.module.Module;
import dev.dspy4j.signature.Field;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The batch part of {@code dspy4j run --batch}: sends the rows not yet in the output through the
 * provider's batch API ({@link BatchRun#fill}), printing progress while it polls, and hands back the
 * program that serves the rows from the answers, so the usual row loop writes the output. The batch
 * id is kept in {@code <out>.batch.json}; Ctrl-C leaves the batch running and says how to resume it.
 */
final class BatchPhase {
    private final PrintWriter err;
    private final boolean quiet;
    private volatile String current;

    private BatchPhase(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    /** {@code <out>.batch.json}, beside the output. */
    static Path stateFile(Path out) {
        return out.resolveSibling(out.getFileName() + ".batch.json");
    }

    /**
     * Fills the cache for the rows of {@code data} that {@code skip} does not exclude.
     *
     * @return the answers; serve the rows with {@link BatchRun.Filled#serving}, then {@link BatchRun.Filled#finish()}
     */
    static BatchRun.Filled fill(
            Module program,
            List<Field> inputs,
            Path data,
            Predicate<Long> skip,
            Path out,
            Duration pollInterval,
            boolean retryFailed,
            int threads,
            PrintWriter err,
            boolean quiet)
            throws IOException {
        BatchPhase phase = new BatchPhase(err, quiet);
        List<BatchRun.Input> rows = rows(data, inputs, skip);
        Path state = stateFile(out);
        Thread hook = new Thread(
                () -> {
                    String id = phase.current;
                    err.println(
                            id == null
                                    ? "interrupted before a batch was created; nothing is running at the provider"
                                    : "interrupted: batch " + id
                                            + " keeps running at the provider; run the same command with --resume to"
                                            + " poll it (its id is kept in " + state + ")");
                    err.flush();
                },
                "dspy4j-batch-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> kept = unfinished(state);
        try {
            BatchRun.Filled filled = BatchRun.builder()
                    .state(state)
                    .pollInterval(pollInterval)
                    .retryFailed(retryFailed)
                    .threads(threads)
                    .listener(phase.listener())
                    .build()
                    .fill(program, rows);
            phase.summary(filled);
            return filled;
        } catch (LmException e) {
            if (e.status() != 404 || kept.isEmpty()) throw e;
            // the provider no longer knows a batch the state file names (expired, deleted, another account)
            List<String> gone = kept.contains(phase.current) ? List.of(phase.current) : kept;
            throw new LmOptions.UsageException((gone.size() == 1 ? "batch " + gone.get(0) : "batches " + gone)
                    + " kept in " + state + " " + (gone.size() == 1 ? "is" : "are")
                    + " not known to the provider (404: " + e.getMessage() + "); it may have expired, or belong to"
                    + " another account or base URL. Delete " + state + " and run the same command again: with --resume"
                    + " the rows already in " + out + " are kept and the others go in a new batch");
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM exits once it returns
            }
        }
    }

    /** {@code run --batch --cancel}: cancels the batch kept beside {@code out}; 0, or 2 when there is none. */
    static int cancel(Module program, Path out, PrintWriter err) {
        Path state = stateFile(out);
        if (!Files.exists(state)) {
            err.println("dspy4j run: no batch to cancel: " + state + " does not exist");
            err.flush();
            return 2;
        }
        List<BatchStatus> canceled = BatchRun.builder().state(state).build().cancel(program);
        for (BatchStatus s : canceled) err.println("asked to cancel batch " + s);
        err.println(
                canceled.isEmpty()
                        ? "every batch in " + state + " has ended; run with --resume to write its rows"
                        : "run the same command with --resume (without --cancel) to write the rows it answered; the others "
                                + "become error rows (canceled)");
        err.flush();
        return 0;
    }

    /**
     * The ids of the batches not yet applied in the state file {@code state} (its format:
     * {@code dev.dspy4j.batch.BatchState}); empty without a state file, or one that does not read (then the
     * batch run says what is wrong with it).
     */
    private static List<String> unfinished(Path state) {
        if (!Files.isRegularFile(state)) return List.of();
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode b : Jsons.MAPPER.readTree(state.toFile()).path("batches")) {
                if (!b.path("applied").asBoolean(false) && b.hasNonNull("id"))
                    ids.add(b.get("id").asText());
            }
            return ids;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The rows to send: not blank, not kept from an earlier output, readable as inputs (others fail in the row loop). */
    private static List<BatchRun.Input> rows(Path data, List<Field> inputs, Predicate<Long> skip) throws IOException {
        Dataset dataset = new Dataset(data);
        List<BatchRun.Input> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String line;
            for (long lineNo = 1; (line = in.readLine()) != null; lineNo++) {
                String text = lineNo == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
                if (text.isBlank() || skip.test(lineNo)) continue;
                try {
                    JsonNode node = Jsons.MAPPER.readTree(text);
                    rows.add(new BatchRun.Input(lineNo, dataset.inputs(node, inputs)));
                } catch (IOException | RuntimeException e) {
                    // the row loop reports it as an input error, as without --batch
                }
            }
        }
        return rows;
    }

    private BatchRun.Listener listener() {
        return new BatchRun.Listener() {
            private int passes;

            // a pass runs the rows against the cache; a later one (after a batch) finds the answers, or the
            // requests of a program's next stage
            @Override
            public void captured(int rows, int requests) {
                passes++;
                String what = requests == 0
                        ? "no request left to send"
                        : requests + (requests == 1 ? " request" : " requests") + " not in the cache";
                say("cache pass " + passes + " over " + rows + (rows == 1 ? " row" : " rows") + ": " + what);
            }

            @Override
            public void created(String provider, BatchStatus status) {
                current = status.id();
                say("created " + provider + " batch " + status.id() + " with " + status.total() + " requests");
            }

            @Override
            public void resumed(String provider, BatchStatus status) {
                current = status.id();
                say("resuming " + provider + " batch " + status.id() + " (from the batch state)");
            }

            @Override
            public void polled(BatchStatus status, Duration elapsed) {
                say("batch " + status + ", " + elapsed.toSeconds() + " s");
            }

            @Override
            public void pollFailed(String batchId, LmException e) {
                say("polling batch " + batchId + " failed (" + e.getMessage() + "); trying again");
            }

            @Override
            public void applied(BatchStatus status, int stored, int failed) {
                current = null;
                say("batch " + status.id() + " ended: " + stored + " answers stored in the cache, " + failed
                        + " failed");
            }
        };
    }

    private void summary(BatchRun.Filled filled) {
        if (filled.batches().isEmpty()) return;
        Usage u = filled.usage();
        say("batches: " + filled.batches().stream().map(BatchStatus::id).toList() + "; " + u.promptTokens()
                + " input and " + u.completionTokens() + " output tokens at the batch price");
    }

    private void say(String line) {
        if (quiet) return;
        err.println(line);
        err.flush();
    }
}
