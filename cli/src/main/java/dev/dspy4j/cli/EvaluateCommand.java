package dev.dspy4j.cli;

import dev.dspy4j.adapter.AdapterParseException;
import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.EvaluationResult;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.module.Module;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dspy4j evaluate}: scores a program on labelled rows with the library's metrics; rows whose
 * run failed are counted apart (by error type) and score 0, as in DSPy's {@code Evaluate}.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Score a program on labelled rows.",
            "Each line of --data holds the program's inputs (as for run) and the expected outputs, e.g. "
                    + "{\"image\": \"img/1.jpg\", \"question\": \"What animal?\", \"answer\": \"cat\"}.",
            "Metrics: " + MetricSpecs.NAMES + "; with several, the score is their mean and each is shown. "
                    + "A row whose run fails scores 0 and is counted apart.",
            "Exit status: 0 no row failed, 1 some rows failed or could not be read, 2 usage error."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  dspy4j evaluate --program vqa.json --data dev.jsonl \\",
            "      --metric exact_match:answer",
            "  dspy4j evaluate --program vqa.json --data dev.jsonl \\",
            "      --metric exact_match --metric f1:answer --threads 8 --report eval.csv"
        })
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--program", required = true, paramLabel = "P.json", description = "The program file.")
    Path program;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "D.jsonl",
            description = "Labelled rows, one JSON object per line.")
    Path data;

    @Option(
            names = "--metric",
            paramLabel = "NAME[:FIELD]",
            required = true,
            description = "A metric: " + MetricSpecs.NAMES + ". Repeat for several.")
    List<String> metrics;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "4",
            description = "Rows run at once (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--report",
            paramLabel = "FILE.json|FILE.csv",
            description =
                    "Write every row (example, prediction, score, error) as JSON or CSV; media are described, not dumped.")
    Path report;

    @Mixin
    LmOptions lmOptions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        lmOptions.configureLogging(err);
        CliCache cache = null;
        try {
            if (threads < 1) throw new LmOptions.UsageException("--threads must be at least 1");
            String reportKind = report == null ? null : reportKind(report);
            MetricSpecs specs = MetricSpecs.parse(metrics);
            LmOptions.Loaded loaded = lmOptions.load(program);
            Examples.Read rows =
                    Examples.read(data, Programs.predictor(loaded.program()).signature(), false);
            rows.problems().forEach(p -> err.println("cannot read " + p));
            specs.check(Programs.predictor(loaded.program()).signature(), rows.examples(), data);
            cache = lmOptions.openCache(err);
            Module prog = loaded.program().withLm(lmOptions.client(loaded, program, cache, err));
            Scored s = score(prog, rows, specs, threads);
            s.print(out, specs, data.toString());
            if (reportKind != null) {
                if (reportKind.equals("csv")) s.numbered().writeCsv(report);
                else s.numbered().writeJson(report);
                out.println("report    " + report);
            }
            return s.result().failures() > 0 || !rows.problems().isEmpty() ? 1 : 0;
        } catch (LmOptions.UsageException e) {
            err.println("dspy4j evaluate: " + e.getMessage());
            return 2;
        } finally {
            if (cache != null) cache.close();
            out.flush();
            err.flush();
        }
    }

    static String reportKind(Path report) {
        String n = report.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".csv")) return "csv";
        if (n.endsWith(".json")) return "json";
        throw new LmOptions.UsageException("--report " + report + ": the name must end in .json or .csv");
    }

    /** An evaluation: the library's result, each metric's mean, and the failures by error type. */
    @SuppressWarnings(
            "ArrayRecordComponent") // package-private value passed from evaluation to printing, never compared
    record Scored(EvaluationResult result, double[] means, Map<String, Long> errors, int unreadable, List<Long> lines) {
        /** Failed rows whose reason is printed after the score; the rest are in --report. */
        static final int SHOWN_FAILURES = 3;

        /** The row's line in the data file, the number {@code run} gives it. */
        long line(EvaluationResult.Row row) {
            return lines.get(row.index());
        }

        /** The result with each row's index replaced by its line number in the data file (for the report). */
        EvaluationResult numbered() {
            return new EvaluationResult(result.rows().stream()
                    .map(r -> new EvaluationResult.Row(
                            (int) line(r), r.example(), r.prediction(), r.score(), r.error(), r.feedback(), r.trace()))
                    .toList());
        }

        void print(PrintWriter out, MetricSpecs specs, String what) {
            int n = result.rows().size();
            if (means.length > 1) {
                for (int i = 0; i < means.length; i++) {
                    out.printf(Locale.ROOT, "%-24s %6.1f%n", specs.names().get(i), 100 * means[i]);
                }
            }
            out.printf(
                    Locale.ROOT,
                    "%-24s %6.1f   (%d rows of %s; %d ok, %d failed%s%s)%n",
                    means.length > 1 ? "score (mean)" : specs.names().get(0),
                    result.score(),
                    n,
                    what,
                    n - result.failures(),
                    result.failures(),
                    errors.isEmpty()
                            ? ""
                            : ": "
                                    + errors.entrySet().stream()
                                            .map(e -> e.getKey() + " " + e.getValue())
                                            .collect(Collectors.joining(", ")),
                    unreadable == 0 ? "" : "; " + unreadable + " unreadable rows not scored");
            int shown = 0;
            for (EvaluationResult.Row row : result.rows()) {
                if (row.ok()) continue;
                if (shown++ == SHOWN_FAILURES) {
                    out.printf(
                            Locale.ROOT,
                            "  ... and %d more failed rows (every reason is in --report)%n",
                            result.failures() - SHOWN_FAILURES);
                    break;
                }
                Throwable e = row.error();
                out.printf(
                        Locale.ROOT,
                        "  row %d failed (%s): %s%n",
                        line(row),
                        errorType(e),
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
            out.flush();
        }
    }

    /** Runs and scores {@code prog} on the readable rows. */
    static Scored score(Module prog, Examples.Read rows, MetricSpecs specs, int threads) {
        specs.reset();
        EvaluationResult r = Evaluate.builder(rows.examples(), specs.combined())
                .threads(threads)
                .build()
                .run(prog);
        double[] means = new double[specs.names().size()];
        Map<String, Long> errors = new TreeMap<>();
        for (EvaluationResult.Row row : r.rows()) {
            double[] s = specs.scoresOf(row.example());
            if (s != null && row.ok()) for (int i = 0; i < means.length; i++) means[i] += s[i];
            if (!row.ok()) errors.merge(errorType(row.error()), 1L, Long::sum);
        }
        int n = r.rows().size();
        for (int i = 0; i < means.length; i++) means[i] = n == 0 ? 0 : means[i] / n;
        return new Scored(r, means, errors, rows.problems().size(), rows.lines());
    }

    /** The error type {@code run} would give the failure. */
    static String errorType(Throwable t) {
        Throwable c = t;
        while (c != null) {
            if (c instanceof AdapterParseException) return "parse";
            if (c instanceof LmException) return "lm";
            if (c instanceof PayloadException || c instanceof dev.dspy4j.lm.UnsupportedInputException) return "input";
            c = c.getCause();
        }
        return t instanceof IllegalArgumentException ? "metric" : "error";
    }
}
