package dev.dspy4j.cli;

import static dev.dspy4j.cli.RunFixesTest.dspy4j;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.module.Predict;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new user's first session with the CLI: each of their findings, driven as they typed it. */
class NewUserReportTest {
    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private Path program;
    private Path rows;
    private BooleanSupplier terminal;

    @BeforeEach
    void setUp() throws IOException {
        // the loopback server a user starts from the README: the same canned field for every request
        server = LoopbackChatServer.builder()
                .respond(r -> LoopbackChatServer.chatAnswer("answer", "cat"))
                .start();
        program = dir.resolve("qa.json");
        ProgramState.save(Predict.of("question -> answer"), program);
        rows = Files.writeString(dir.resolve("rows.jsonl"), """
                {"question": "a", "answer": "cat"}
                {"question": "b", "answer": "cat"}
                {"question": "c", "answer": "dog"}
                {"question": "d", "answer": "cat"}
                """);
        terminal = Progress.terminalCheck;
    }

    @AfterEach
    void tearDown() {
        Progress.terminalCheck = terminal;
        server.close();
    }

    private RunFixesTest.Run run(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "run",
                "--program",
                program.toString(),
                "--data",
                rows.toString(),
                "--out",
                dir.resolve("out.jsonl").toString(),
                "--lm",
                "openai/m",
                "--api-base",
                server.baseUrl(),
                "--cache-dir",
                dir.resolve("cache").toString()));
        args.addAll(List.of(more));
        return dspy4j(args.toArray(String[]::new));
    }

    // 1. an answer the adapter cannot parse is a run failure (exit 1) named by its command, not a usage error

    @Test
    void miproAgainstTheCannedServerFailsAsARunFailureNamingTheCommand() {
        var r = dspy4j(
                "optimize",
                "--program",
                program.toString(),
                "--train",
                rows.toString(),
                "--metric",
                "exact_match:answer",
                "--optimizer",
                "mipro",
                "--out",
                dir.resolve("o.json").toString(),
                "--lm",
                "openai/m",
                "--api-base",
                server.baseUrl(),
                "--no-cache");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err())
                .contains("dspy4j optimize: ChatAdapter could not parse")
                .contains("missing fields");
        assertThat(r.err()).doesNotContain("\ndspy4j: ").doesNotStartWith("dspy4j: ");
    }

    @Test
    void anUnhandledFailureOfAnyCommandIsExit1AndAUsageErrorStays2() {
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        var evaluate = cl.getSubcommands().get("evaluate");
        assertThat(Main.failedCommand(new IllegalStateException("boom"), evaluate, null))
                .isEqualTo(1);
        assertThat(err.toString()).isEqualTo("dspy4j evaluate: boom" + System.lineSeparator());

        var stats = dspy4j("cache", "stats", "--cache", "redis://127.0.0.1:1");
        assertThat(stats.exit()).isEqualTo(2);
        assertThat(stats.err()).startsWith("dspy4j cache stats: dspy4j cache works on the disk cache only");
    }

    // 2. --quiet: no progress, no warnings; the summary stays, as its help says

    @Test
    void quietKeepsTheSummaryOnlyAndItsHelpSaysSo() {
        var r = run("--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        List<String> lines = r.err().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("4 rows: 4 ok, 0 errors, 0 from the cache");
        assertThat(lines.get(1)).startsWith("LM: ");
        var loud = run("--resume");
        assertThat(loud.err())
                .as("without --quiet the progress line is printed")
                .contains("rows/s");

        assertThat(dspy4j("run", "--help").out().replaceAll("\\s+", " "))
                .contains("No progress bar, no batch status lines, no warnings; errors and the final summary are "
                        + "still printed.");
    }

    // 3. a progress line drawn in place never has another line glued to it

    @Test
    void anOpenProgressLineIsClearedBeforeAnyOtherLine() {
        StringWriter text = new StringWriter();
        ProgressAwareWriter err = new ProgressAwareWriter(new PrintWriter(text));
        Progress progress = new Progress(err, 8, true, true);
        progress.update(0, 0, 0);
        err.println("warning: something");
        progress.finish(8, 0, 0);
        err.println("8 rows: 8 ok");
        err.flush();
        for (String line : text.toString().split("\n", -1)) {
            String shown = line.substring(line.lastIndexOf('\r') + 1);
            assertThat(shown.contains("rows/s") && shown.contains("ok"))
                    .as(line)
                    .isFalse();
            assertThat(shown.contains("ETA") && shown.contains("warning"))
                    .as(line)
                    .isFalse();
        }
        assertThat(text.toString())
                .contains("\rwarning: something\n")
                .contains("done in")
                .endsWith("\n8 rows: 8 ok\n");
    }

    @Test
    void onATerminalTheSummaryStartsItsOwnLine() {
        Progress.terminalCheck = () -> true;
        var r = run();
        assertThat(r.exit()).as(r.err()).isZero();
        String[] lines = r.err().split("\n", -1);
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("4 rows: 4 ok"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains("rows/s").contains("ok,"));
    }

    // 4. a cache directory that is a file, or that does not exist

    @Test
    void aCacheDirThatIsAFileIsAUsageErrorForEveryCacheAndFilesCommand() throws IOException {
        Path file = Files.writeString(dir.resolve("file.json"), "{}");
        for (String sub : List.of("stats", "verify", "clear")) {
            var r = dspy4j("cache", sub, "--cache-dir", file.toString());
            assertThat(r.exit()).as(sub).isEqualTo(2);
            assertThat(r.err())
                    .as(sub)
                    .startsWith("dspy4j cache " + sub + ": --cache-dir " + file + " is not a directory");
            assertThat(r.out()).as(sub).doesNotContain("no cache");
        }
        var files = dspy4j("files", "list", "--cache-dir", file.toString());
        assertThat(files.exit()).isEqualTo(2);
        assertThat(files.err()).startsWith("dspy4j files list: --cache-dir " + file + " is not a directory");
    }

    @Test
    void aMissingCacheDirIsNamedAsMissing() {
        Path missing = dir.resolve("nowhere");
        var stats = dspy4j("cache", "stats", "--cache-dir", missing.toString());
        assertThat(stats.exit()).isZero();
        assertThat(stats.out()).isEqualTo("no cache: " + missing + " does not exist" + System.lineSeparator());
        for (String sub : List.of("verify", "clear")) {
            var r = dspy4j("cache", sub, "--cache-dir", missing.toString());
            assertThat(r.exit()).as(sub).isEqualTo(2);
            assertThat(r.err())
                    .as(sub)
                    .isEqualTo("dspy4j cache " + sub + ": cache directory " + missing + " does not exist"
                            + System.lineSeparator());
        }
        // an existing directory without a cache is still "no cache", exit 0
        var empty = dspy4j("cache", "verify", "--cache-dir", dir.toString());
        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).startsWith("no cache in " + dir);
        assertThat(missing).doesNotExist();
    }

    // 5. an unknown subcommand lists the accepted ones; a bad bench value names its option

    @Test
    void anUnknownSubcommandListsTheAcceptedOnes() {
        var cache = dspy4j("cache", "frob");
        assertThat(cache.exit()).isEqualTo(2);
        assertThat(cache.err())
                .contains("Unmatched argument at index 1: 'frob'")
                .contains("dspy4j cache takes a subcommand: stats, verify, clear");
        assertThat(dspy4j("files", "frob").err()).contains("dspy4j files takes a subcommand: list, purge");
        assertThat(dspy4j("bench", "frob").err()).contains("dspy4j bench takes a subcommand: seed");
        assertThat(dspy4j("frob").err())
                .contains(
                        "dspy4j takes a subcommand: new, inspect, run, evaluate, optimize, cache, files, bench, help");
        assertThat(dspy4j("run", "--program", "p.json", "frob").err())
                .as("a command without subcommands")
                .doesNotContain("takes a subcommand");
    }

    @Test
    void aBadBenchValueNamesTheOptionAndTheValue() {
        assertThat(dspy4j("bench", "seed", "--examples", "-3").err())
                .isEqualTo("dspy4j bench seed: --examples must be at least 1, not -3" + System.lineSeparator());
        assertThat(dspy4j("bench", "seed", "--size", "0").err())
                .isEqualTo("dspy4j bench seed: --size must be at least 1, not 0" + System.lineSeparator());
        assertThat(dspy4j("bench", "seed", "--sweep-reps", "0").err())
                .isEqualTo("dspy4j bench seed: --sweep-reps must be at least 1, not 0" + System.lineSeparator());
        var demos = dspy4j("bench", "seed", "--demos", "-1");
        assertThat(demos.exit()).isEqualTo(2);
        assertThat(demos.err())
                .isEqualTo("dspy4j bench seed: --demos must be 0 or more, not -1" + System.lineSeparator());
    }

    // 6. optimize --help: one entry per optimizer, name in a column, description with a hanging indent

    @Test
    void optimizeHelpListsEachOptimizerAsOneIndentedEntry() {
        String help = dspy4j("optimize", "--help").out();
        String list = help.substring(help.indexOf("Optimizers (--optimizer NAME"), help.indexOf("Examples:"));
        List<String> lines = list.lines().skip(1).filter(l -> !l.isBlank()).toList();
        String indent = " ".repeat(2 + "random_search".length() + 2);
        for (String name : List.of("labeled", "bootstrap", "random_search", "copro", "mipro", "gepa")) {
            assertThat(lines).filteredOn(l -> l.startsWith("  " + name + " ")).hasSize(1);
        }
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.length()).as(l).isLessThanOrEqualTo(80);
            assertThat(l).as("an entry's first line or its continuation").startsWith("  ");
            if (l.startsWith(indent)) assertThat(l.charAt(indent.length())).isNotEqualTo(' ');
        });
        assertThat(lines.get(0)).startsWith("  labeled        LabeledFewShot:");
        assertThat(lines.get(1)).startsWith(indent + "(options: k=16");
    }
}
