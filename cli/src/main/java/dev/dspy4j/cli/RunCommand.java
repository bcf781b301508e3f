package dev.dspy4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.batch.BatchRun;
import dev.dspy4j.lm.CallContext;
import dev.dspy4j.lm.CallExecutors;
import dev.dspy4j.lm.UsageScope;
import dev.dspy4j.module.Module;
import dev.dspy4j.signature.Field;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dspy4j run}: runs a saved program over a JSONL dataset, one output line per input row,
 * written whole and flushed as the row finishes. A row that cannot be read or whose call fails gets
 * an error in its line; the run goes on. Exit status: 0 when every row succeeded, 1 when some
 * failed, 2 on a usage error, 130 when interrupted (Ctrl-C: finished rows are kept, the summary printed).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Run a saved program over a JSONL dataset.",
            "Each input line is a JSON object of input values. A media field holds " + Dataset.MEDIA_FORMS + ".",
            "Each output line is {\"row\":N,\"outputs\":{...},\"cached\":bool} or "
                    + "{\"row\":N,\"error\":\"...\",\"error_type\":\"input|lm|parse|error\",\"cached\":bool}, "
                    + "where row is the input line number; lines are written as rows finish. Blank input lines "
                    + "are skipped (the summary lists them).",
            "Exit status: 0 every row succeeded, 1 some rows failed, 2 usage error, 130 interrupted."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  dspy4j run --program vqa.json --data photos.jsonl --out answers.jsonl \\",
            "      --lm openai/gpt-4o-mini",
            "  dspy4j run --program vqa.json --data photos.jsonl --out answers.jsonl \\",
            "      --lm openai/qwen2-vl --api-base http://127.0.0.1:8000/v1 \\",
            "      --threads 8 --timeout 30 --retries 1",
            "  # after a crash or Ctrl-C: keep the finished rows, run the rest",
            "  dspy4j run --program vqa.json --data photos.jsonl --out answers.jsonl \\",
            "      --resume",
            "  # as one Anthropic message batch (half price); if stopped, add --resume",
            "  dspy4j run --program qa.json --data qs.jsonl --out answers.jsonl \\",
            "      --lm anthropic/claude-haiku-4-5 --batch --poll-interval 60",
            "  # after fixing the server: ask again for answers that could not be parsed",
            "  dspy4j run --program vqa.json --data photos.jsonl --out answers.jsonl \\",
            "      --resume --retry-failed"
        })
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--program",
            required = true,
            paramLabel = "P.json",
            description =
                    "The program file (written by dspy4j new, optimize or ProgramState.save; or DSPy's with --signature).")
    Path program;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "D.jsonl",
            description = "Input rows, one JSON object per line.")
    Path data;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "O.jsonl",
            description = "Where to write the output rows; must not exist unless --resume is given.")
    Path out;

    @Option(
            names = "--resume",
            description = "Keep the whole lines of an existing --out, skip their rows, append the rest.")
    boolean resume;

    @Option(
            names = "--retry-failed",
            description = "Ask the LM again, past the cache, for rows whose answer could not be parsed; with --resume, "
                    + "also run the error rows of the existing --out again.")
    boolean retryFailed;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "4",
            description = "Rows run at once (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--virtual-threads",
            description =
                    "Run rows on virtual threads (Java 21+; platform threads otherwise); --threads still caps how many at once.")
    boolean virtualThreads;

    @Option(names = "--json", description = "Also print the summary as one JSON object on standard output.")
    boolean json;

    @Mixin
    BatchOptions batchOptions;

    @Mixin
    LmOptions lmOptions;

    /** Totals the LM calls, tokens and cost of this run. */
    private UsageScope usage;

    @Override
    public Integer call() throws Exception {
        // every stderr line of the run goes through it, so none is glued to an open progress line
        ProgressAwareWriter err = new ProgressAwareWriter(spec.commandLine().getErr());
        lmOptions.configureLogging(err);
        try {
            return execute(err);
        } catch (LmOptions.UsageException e) {
            err.println("dspy4j run: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private int execute(ProgressAwareWriter err) throws IOException, InterruptedException {
        if (threads < 1) throw new LmOptions.UsageException("--threads must be at least 1");
        LmOptions.Loaded loaded = lmOptions.load(program);
        if (!Files.isRegularFile(data)) throw new LmOptions.UsageException("dataset " + data + " does not exist");
        if (out.toAbsolutePath().normalize().equals(data.toAbsolutePath().normalize())
                || (Files.exists(out) && Files.isSameFile(out, data))) {
            // opening the output would truncate the rows before they are read
            throw new LmOptions.UsageException(
                    "--out " + out + " is the dataset itself; write the output to another file");
        }
        if (batchOptions.cancel()) {
            return BatchPhase.cancel(loaded.program().withLm(lmOptions.client(loaded, program, null, err)), out, err);
        }
        if (Files.exists(out) && !resume) throw new LmOptions.UsageException(ResultsFile.exists(out));
        batchOptions.check(out, resume, lmOptions.noCache);
        CliCache cache = lmOptions.openCache(err);
        try {
            Module prog = loaded.program().withLm(lmOptions.client(loaded, program, cache, err));
            try (ResultsFile results = ResultsFile.open(out, resume, retryFailed, resume ? rowIds() : Map.of());
                    UsageScope scope = UsageScope.open(lmOptions.prices())) {
                this.usage = scope;
                List<Field> inputs = Programs.inputFields(prog);
                if (!batchOptions.batch) return runRows(prog, inputs, cache, results, err);
                BatchRun.Filled filled = BatchPhase.fill(
                        prog,
                        inputs,
                        data,
                        results::has,
                        out,
                        batchOptions.pollInterval(),
                        retryFailed,
                        threads,
                        err,
                        lmOptions.quiet);
                int code = runRows(filled.serving(prog), inputs, cache, results, err);
                if (code != 130) filled.finish();
                return code;
            }
        } finally {
            if (cache != null) cache.close();
        }
    }

    private int runRows(Module prog, List<Field> inputs, CliCache cache, ResultsFile results, ProgressAwareWriter err)
            throws IOException, InterruptedException {
        long total = 0;
        List<Long> blank = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String line;
            for (long lineNo = 1; (line = in.readLine()) != null; lineNo++) {
                if (rowText(lineNo, line) == null) blank.add(lineNo);
                else if (!results.has(lineNo)) total++;
            }
        }
        RowAttempt rows = new RowAttempt(prog, inputs, new Dataset(data), cache, retryFailed && !batchOptions.batch);
        Progress progress = new Progress(err, total, Progress.terminalCheck.getAsBoolean(), !lmOptions.quiet);
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch summarized = new CountDownLatch(1);
        ExecutorService pool = virtualThreads
                ? CallExecutors.newPerTaskExecutor("dspy4j-run")
                : Executors.newFixedThreadPool(threads, r -> {
                    Thread t = new Thread(r, "dspy4j-run");
                    t.setDaemon(true);
                    return t;
                });
        Semaphore running = new Semaphore(threads); // caps rows at once on a thread-per-task executor
        CallContext.Snapshot context = CallContext.capture(); // the usage scope goes to the row threads
        // Ctrl-C (SIGINT) or SIGTERM: stop taking rows, keep what finished, print the summary; the JVM then
        // exits with 128 + the signal number (130 for SIGINT) as it does for any signal
        Thread hook = new Thread(
                () -> {
                    stopping.set(true);
                    pool.shutdownNow();
                    try {
                        summarized.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "dspy4j-run-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        Semaphore window = new Semaphore(threads * 4);
        RunSummary tally = new RunSummary();
        try {
            try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
                String line;
                long lineNo = 0;
                progress.update(0, 0, 0);
                while (!stopping.get() && (line = in.readLine()) != null) {
                    lineNo++;
                    String text = rowText(lineNo, line);
                    if (text == null || results.has(lineNo)) continue;
                    long row = lineNo;
                    window.acquire();
                    if (stopping.get()) break;
                    pool.execute(() -> {
                        try {
                            running.acquireUninterruptibly();
                            ObjectNode result;
                            try {
                                result = context.call(() -> rows.run(row, text));
                            } finally {
                                running.release();
                            }
                            // a row cut short by Ctrl-C did not finish: it is left for --resume
                            if (stopping.get() && result.has("error")) return;
                            results.write(Jsons.MAPPER.writeValueAsString(result));
                            tally.add(result);
                            progress.update(tally.done(), tally.failed(), tally.cached());
                        } catch (IOException e) {
                            err.println("dspy4j run: cannot write " + out + ": " + e.getMessage());
                            stopping.set(true);
                        } finally {
                            window.release();
                        }
                    });
                }
            } catch (InterruptedException e) {
                stopping.set(true);
            }
            pool.shutdown();
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                if (stopping.get()) pool.shutdownNow();
            }
            progress.finish(tally.done(), tally.failed(), tally.cached());
            tally.addKept(results.keptErrors());
            tally.print(
                    err,
                    json ? spec.commandLine().getOut() : null,
                    out,
                    retryFailed,
                    lmOptions.uploads,
                    cache,
                    results,
                    blank,
                    total,
                    stopping.get(),
                    usage.summary());
        } finally {
            summarized.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM exits once it returns
            }
        }
        if (stopping.get()) return 130;
        return tally.failed() > 0 ? 1 : 0;
    }

    /** Each row's line number and {@code id} (a null node without one, or on a line that is not JSON), for --resume. */
    private Map<Long, JsonNode> rowIds() throws IOException {
        Map<Long, JsonNode> ids = new java.util.HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String line;
            for (long lineNo = 1; (line = in.readLine()) != null; lineNo++) {
                String text = rowText(lineNo, line);
                if (text == null) continue;
                JsonNode node;
                try {
                    node = Jsons.MAPPER.readTree(text);
                } catch (JsonProcessingException e) {
                    node = null;
                }
                ids.put(lineNo, ResultsFile.idOf(node));
            }
        }
        return ids;
    }

    /** The row on a line, or null for a blank line; a byte order mark before the first line is dropped. */
    private static String rowText(long lineNo, String line) {
        String text = lineNo == 1 && line.startsWith("\uFEFF") ? line.substring(1) : line;
        return text.isBlank() ? null : text;
    }
}
