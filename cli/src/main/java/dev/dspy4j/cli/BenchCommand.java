package dev.dspy4j.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dspy4j bench}: benchmarks. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks.",
        subcommands = {BenchCommand.Seed.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code dspy4j bench seed}: the seed scenario, end to end. */
    @Command(
            name = "seed",
            mixinStandardHelpOptions = true,
            sortOptions = false,
            description = {
                "The seed scenario: signature image: Image -> label: str, N few-shot demos (--demos) and N "
                        + "queries (--examples), each with its own PX x PX noise PNG (--size); format, keys, a cold pass through an "
                        + "OpenAI-compatible server on loopback in this process, a warm pass from the cache, and a size sweep."
            })
    static final class Seed implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--examples",
                defaultValue = "100",
                paramLabel = "N",
                description = "Queries (default ${DEFAULT-VALUE}).")
        int examples;

        @Option(
                names = "--demos",
                defaultValue = "15",
                paramLabel = "N",
                description = "Few-shot demos (default ${DEFAULT-VALUE}).")
        int demos;

        @Option(
                names = "--size",
                defaultValue = "1000",
                paramLabel = "PX",
                description = "Image side in pixels (default ${DEFAULT-VALUE}).")
        int size;

        @Option(
                names = "--sweep-reps",
                defaultValue = "2000",
                paramLabel = "N",
                description = "Timed format+key repetitions per sweep size (default ${DEFAULT-VALUE}).")
        int sweepReps;

        @Option(names = "--no-sweep", description = "Skip the size sweep.")
        boolean noSweep;

        @Option(
                names = "--uploads",
                description = "The cold pass goes through the Responses client with uploads: each"
                        + " image is uploaded once to the server's Files API and requests send file ids (cold_wire_mb counts"
                        + " requests and uploads).")
        boolean uploads;

        @Option(names = "--json", description = "Print one JSON object on stdout (stages go to stderr).")
        boolean json;

        @Option(
                names = "--in-memory",
                description = "Payloads as byte arrays on the heap instead of files: each query's"
                        + " image made when it is asked and dropped after its prediction (cold and warm pass, memory figures;"
                        + " no format/key timing, disk pass or sweep).")
        boolean inMemory;

        @Override
        public Integer call() throws Exception {
            String bad = examples < 1
                    ? "--examples must be at least 1, not " + examples
                    : size < 1
                            ? "--size must be at least 1, not " + size
                            : sweepReps < 1
                                    ? "--sweep-reps must be at least 1, not " + sweepReps
                                    : demos < 0 ? "--demos must be 0 or more, not " + demos : null;
            if (bad != null) {
                spec.commandLine().getErr().println("dspy4j bench seed: " + bad);
                return 2;
            }
            if (uploads && inMemory) {
                spec.commandLine()
                        .getErr()
                        .println("dspy4j bench seed: --uploads runs the file-backed scenario; it cannot"
                                + " be combined with --in-memory");
                return 2;
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter log = json ? spec.commandLine().getErr() : out;
            SeedBenchmark.Config config = new SeedBenchmark.Config(examples, demos, size, !noSweep, sweepReps, uploads);
            Map<String, Object> result =
                    inMemory ? new InMemorySeed(config, log).run() : new SeedBenchmark(config, log).run();
            if (json) {
                out.println(Jsons.MAPPER.writeValueAsString(result));
            }
            out.flush();
            return Boolean.TRUE.equals(result.get("ok")) ? 0 : 1;
        }
    }
}
