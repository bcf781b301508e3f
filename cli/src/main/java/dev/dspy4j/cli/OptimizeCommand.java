package dev.dspy4j.cli;

import dev.dspy4j.module.Module;
import dev.dspy4j.optimize.Optimizer;
import dev.dspy4j.state.MediaStorage;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.state.ProgramStateException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dspy4j optimize}: improves a program from labelled training rows with a named optimizer
 * (see {@link Optimizers}), writes the optimized program, and prints the score before and after on
 * the dev rows.
 */
@Command(
        name = "optimize",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Optimize a program (choose its demos) from labelled training rows and write the result.",
            "Rows are as for evaluate. The score on --dev (or on --train when no dev set is given) is printed "
                    + "before and after."
        },
        footerHeading = "%nOptimizers (--optimizer NAME, settings with --option KEY=VALUE):%n",
        footer = {
            "%nExamples:",
            "  dspy4j optimize --program vqa.json --train train.jsonl --dev dev.jsonl \\",
            "      --metric exact_match:answer --optimizer bootstrap \\",
            "      --out vqa.optimized.json",
            "  dspy4j optimize --program vqa.json --train train.jsonl --metric f1 \\",
            "      --optimizer labeled --option k=4 --out vqa.k4.json"
        })
final class OptimizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--program",
            required = true,
            paramLabel = "P.json",
            description = "The program to optimize (left unchanged).")
    Path program;

    @Option(names = "--train", required = true, paramLabel = "TRAIN.jsonl", description = "Labelled training rows.")
    Path train;

    @Option(
            names = "--dev",
            paramLabel = "DEV.jsonl",
            description = "Labelled rows to score before and after (default: --train).")
    Path dev;

    @Option(
            names = "--metric",
            required = true,
            paramLabel = "NAME[:FIELD]",
            description = "A metric: " + MetricSpecs.NAMES + ". Repeat for several (their mean is optimized).")
    List<String> metrics;

    @Option(
            names = "--optimizer",
            required = true,
            paramLabel = "NAME",
            description = "One of the optimizers listed below.")
    String optimizer;

    @Option(
            names = "--option",
            paramLabel = "KEY=VALUE",
            description = "A setting of the optimizer, e.g. k=4; repeatable.")
    Map<String, String> options;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "OUT.json",
            description = "Where to write the optimized program.")
    Path out;

    @Option(names = "--force", description = "Replace --out if it exists.")
    boolean force;

    @Option(
            names = "--inline-media",
            description = "Store demo media inside the JSON as data: URIs (default: files in <out>.media/).")
    boolean inlineMedia;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "4",
            description = "Rows scored at once (default ${DEFAULT-VALUE}).")
    int threads;

    @Mixin
    LmOptions lmOptions;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        lmOptions.configureLogging(err);
        CliCache cache = null;
        try {
            if (threads < 1) throw new LmOptions.UsageException("--threads must be at least 1");
            if (Files.exists(out) && !force) {
                throw new LmOptions.UsageException("--out " + out + " already exists; pass --force to replace it");
            }
            MetricSpecs specs = MetricSpecs.parse(metrics);
            // searching optimizers report each trial (score, best so far, metric and LM calls) on stderr
            Optimizer opt =
                    Optimizers.create(optimizer, new Optimizers.Context(specs.combined(), options, threads, p -> {
                        err.println(p.line());
                        err.flush();
                    }));
            LmOptions.Loaded loaded = lmOptions.load(program);
            var sig = Programs.predictor(loaded.program()).signature();
            Examples.Read trainRows = Examples.read(train, sig, true);
            trainRows.problems().forEach(p -> err.println("cannot read " + p));
            if (trainRows.examples().isEmpty()) throw new LmOptions.UsageException(train + " has no usable rows");
            Path devFile = dev == null ? train : dev;
            Examples.Read devRows = dev == null ? trainRows : Examples.read(dev, sig, false);
            devRows.problems().forEach(p -> err.println("cannot read " + p));
            specs.check(sig, trainRows.examples(), train);
            if (dev != null) specs.check(sig, devRows.examples(), dev);
            if (dev == null) err.println("no --dev given: scoring on the training rows (an optimistic estimate)");
            cache = lmOptions.openCache(err);
            Module student = loaded.program().withLm(lmOptions.client(loaded, program, cache, err));

            stdout.println("before");
            EvaluateCommand.score(student, devRows, specs, threads).print(stdout, specs, devFile.toString());
            stdout.println("optimizing with " + optimizer + " on "
                    + trainRows.examples().size() + " rows of " + train);
            stdout.flush();
            Module optimized = opt.compile(student, trainRows.examples());
            stdout.println("after");
            EvaluateCommand.score(optimized, devRows, specs, threads).print(stdout, specs, devFile.toString());
            ProgramState.save(optimized, out, inlineMedia ? MediaStorage.INLINE : MediaStorage.FILES);
            stdout.println("wrote " + out + " ("
                    + optimized.predictors().values().stream()
                            .mapToInt(p -> p.demos().size())
                            .sum() + " demos)");
            return 0;
        } catch (LmOptions.UsageException e) {
            err.println("dspy4j optimize: " + e.getMessage());
            return 2;
        } catch (ProgramStateException e) {
            err.println("dspy4j optimize: " + e.getMessage());
            return 1;
        } finally {
            if (cache != null) cache.close();
            stdout.flush();
            err.flush();
        }
    }
}
