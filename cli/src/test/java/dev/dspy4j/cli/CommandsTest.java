package dev.dspy4j.cli;

import static dev.dspy4j.cli.RunFixesTest.dspy4j;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.state.PredictorState;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** new, inspect, evaluate and optimize: their options, their errors, and --help on each. */
class CommandsTest {
    @TempDir
    Path dir;

    private LoopbackChatServer server;

    @BeforeEach
    void setUp() throws IOException {
        server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("answer", "cat"));
        NoiseImage.writePng(dir.resolve("img"), "1.png", 8, 8, 1);
        NoiseImage.writePng(dir.resolve("img"), "2.png", 8, 8, 2);
        Files.writeString(
                dir.resolve("demos.jsonl"),
                "{\"image\": \"img/1.png\", \"question\": \"Which?\", \"answer\": \"cat\"}\n"
                        + "{\"image\": \"data:image/png;base64,"
                        + java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("img/2.png")))
                        + "\", \"question\": \"And?\", \"answer\": \"dog\"}\n");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void aBaseUrlPasswordIsNeitherSavedByNewNorPrintedByInspect() throws IOException {
        Path prog = dir.resolve("s.json");
        var made = dspy4j(
                "new",
                "--signature",
                "question -> answer",
                "--lm",
                "openai/m",
                "--api-base",
                "http://bob:hunter2@127.0.0.1:9/v1",
                "--out",
                prog.toString());
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(Files.readString(prog)).doesNotContain("hunter2").contains("\"http://127.0.0.1:9/v1\"");

        // a hand-written file holding one is not echoed either
        Files.writeString(
                prog, Files.readString(prog).replace("http://127.0.0.1:9/v1", "http://bob:hunter2@127.0.0.1:9/v1"));
        var shown = dspy4j("inspect", "--program", prog.toString());
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out() + shown.err()).doesNotContain("hunter2").contains("openai/m at http://127.0.0.1:9/v1");
    }

    @Test
    void newWritesAProgramWithDemosAdapterModuleAndLm() {
        Path prog = dir.resolve("p.json");
        var r = dspy4j(
                "new",
                "--signature",
                "image: Image, question -> answer",
                "--module",
                "cot",
                "--adapter",
                "json",
                "--demos",
                dir.resolve("demos.jsonl").toString(),
                "--lm",
                "openai/gpt-4o-mini",
                "--temperature",
                "0.2",
                "--out",
                prog.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        ProgramState state = ProgramState.reader().trustBaseUrl(true).read(prog);
        assertThat(state.program()).isEqualTo("ChainOfThought");
        PredictorState p = state.predictors().get("predict");
        assertThat(p.signature()).isEqualTo("image: Image, question: str -> reasoning: str, answer: str");
        assertThat(p.adapter()).isEqualTo("JsonAdapter");
        assertThat(p.demos()).hasSize(2);
        assertThat(p.demos().get(1).get("answer")).isEqualTo("dog");
        assertThat(p.lm().qualifiedModel()).isEqualTo("openai/gpt-4o-mini");
        assertThat(p.lm().params()).containsEntry("temperature", 0.2);
        assertThat(Files.isDirectory(dir.resolve("p.media"))).isTrue();

        var again = dspy4j("new", "--signature", "q -> a", "--out", prog.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already exists").contains("--force");
    }

    @Test
    void newNamesTheDemoLineAndFieldThatIsWrong() throws IOException {
        Files.writeString(
                dir.resolve("bad.jsonl"),
                "{\"image\": \"img/1.png\", \"question\": \"Which?\", \"answer\": \"cat\"}\n"
                        + "{\"image\": \"img/1.png\", \"question\": \"Which?\"}\n"
                        + "{\"image\": \"sftp://host/x.png\", \"question\": \"Which?\", \"answer\": \"cat\"}\n");
        var r = dspy4j(
                "new",
                "--signature",
                "image: Image, question -> answer",
                "--demos",
                dir.resolve("bad.jsonl").toString(),
                "--out",
                dir.resolve("p.json").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("bad.jsonl line 2: missing output field 'answer'")
                .contains("bad.jsonl line 3: field 'image': unsupported URL scheme 'sftp:'");
        assertThat(dir.resolve("p.json")).doesNotExist();

        var sig = dspy4j(
                "new",
                "--signature",
                "image: Imagee -> answer",
                "--out",
                dir.resolve("p.json").toString());
        assertThat(sig.exit()).isEqualTo(2);
        assertThat(sig.err()).contains("--signature");
    }

    @Test
    void inspectShowsDemosAsDescriptionsAndNamesABadRow() {
        Path prog = dir.resolve("p.json");
        dspy4j(
                "new",
                "--signature",
                "image: Image, question -> answer",
                "--demos",
                dir.resolve("demos.jsonl").toString(),
                "--out",
                prog.toString());

        var r = dspy4j("inspect", "--program", prog.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("demos         2")
                .containsPattern("image=<image image/png, \\d+ B, sha256:[0-9a-f]{12}>")
                .contains("answer=\"dog\"")
                .contains("(none recorded; give --lm to run)");

        var beyond = dspy4j(
                "inspect",
                "--program",
                prog.toString(),
                "--data",
                dir.resolve("demos.jsonl").toString(),
                "--row",
                "9");
        assertThat(beyond.exit()).isEqualTo(2);
        assertThat(beyond.err()).contains("fewer than 9 lines");
        var half = dspy4j("inspect", "--program", prog.toString(), "--row", "1");
        assertThat(half.err()).contains("--data and --row go together");
    }

    @Test
    void optimizeNamesUnknownOptimizersOptionsAndMetrics() {
        Path prog = dir.resolve("p.json");
        dspy4j("new", "--signature", "image: Image, question -> answer", "--out", prog.toString());
        String[] base = {
            "optimize",
            "--program",
            prog.toString(),
            "--train",
            dir.resolve("demos.jsonl").toString(),
            "--out",
            dir.resolve("o.json").toString(),
            "--api-base",
            server.baseUrl(),
            "--lm",
            "openai/m",
            "--no-cache"
        };

        var unknown = dspy4j(concat(base, "--metric", "exact_match", "--optimizer", "simba"));
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown optimizer 'simba'; expected one of [labeled, bootstrap");

        var option = dspy4j(concat(base, "--metric", "exact_match", "--optimizer", "labeled", "--option", "kk=2"));
        assertThat(option.err()).contains("optimizer 'labeled' has no option 'kk'; it takes k, seed");

        var metric = dspy4j(concat(base, "--metric", "accuracy", "--optimizer", "labeled"));
        assertThat(metric.err()).contains("unknown metric 'accuracy'; expected exact_match");
    }

    @Test
    void bootstrapRunsFromTheCommandLine() {
        Path prog = dir.resolve("p.json");
        dspy4j("new", "--signature", "image: Image, question -> answer", "--out", prog.toString());
        var r = dspy4j(
                "optimize",
                "--program",
                prog.toString(),
                "--train",
                dir.resolve("demos.jsonl").toString(),
                "--metric",
                "exact_match",
                "--optimizer",
                "bootstrap",
                "--option",
                "max_bootstrapped_demos=1",
                "--option",
                "max_labeled_demos=0",
                "--out",
                dir.resolve("o.json").toString(),
                "--api-base",
                server.baseUrl(),
                "--lm",
                "openai/m",
                "--no-cache");

        assertThat(r.exit()).as(r.err()).isZero();
        // the server always says cat: the first row passes and becomes the one bootstrapped demo
        assertThat(r.out()).contains("wrote").contains("(1 demos)");
        assertThat(ProgramState.reader()
                        .read(dir.resolve("o.json"))
                        .predictors()
                        .get("self")
                        .demos()
                        .get(0)
                        .get("answer"))
                .isEqualTo("cat");
    }

    @Test
    void everyCommandsHelpHasExamplesAndOptimizeListsTheRegistry() {
        for (String cmd : new String[] {"new", "inspect", "run", "evaluate", "optimize"}) {
            var r = dspy4j(cmd, "--help");
            assertThat(r.exit()).isZero();
            assertThat(r.out()).as(cmd).contains("Examples:").contains("  dspy4j " + cmd + " ");
        }
        // picocli reports a footer it cannot format on System.err (a description's "80%" read as a format)
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
        RunFixesTest.Run opt;
        try {
            opt = dspy4j("optimize", "--help");
        } finally {
            System.setErr(stderr);
        }
        assertThat(warnings.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("Could not format");
        for (String name : Optimizers.all().keySet()) assertThat(opt.out()).contains("  " + name + "  ");
        // a description's "80%" is text: the footer is formatted, not printed raw with its %n markers
        assertThat(opt.out()).contains("validated on the last 80% of the training");
        var top = dspy4j("--help");
        assertThat(top.out())
                .contains("new")
                .contains("inspect")
                .contains("evaluate")
                .contains("optimize");
    }

    @Test
    void optimizeHelpFooterLinesAreValidFormatStringsSoDescriptionsWithPercentSignsPrintAsWritten() {
        // picocli formats each footer line (%n and the like); a description's "80%" must not be read as a
        // format specifier (picocli then warns on stderr and prints the line unformatted)
        String[] footer = Main.commandLine()
                .getSubcommands()
                .get("optimize")
                .getCommandSpec()
                .usageMessage()
                .footer();
        for (String line : footer) assertThat(String.format(line)).doesNotContain("%%");
        // an entry is wrapped over several lines with a hanging indent: read it as one text
        assertThat(String.join(
                                " ",
                                java.util.Arrays.stream(footer)
                                        .map(String::format)
                                        .toList())
                        .replaceAll("\\s+", " "))
                .contains("validated on the last 80% of the training rows");
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
