package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop as a user drives it, against an OpenAI-compatible server on loopback: new ->
 * inspect -> run in a child JVM killed with SIGKILL mid-run -> run --resume (every row exactly once,
 * every line valid JSON) -> evaluate -> optimize -> run the optimized program. The session's commands
 * and outputs are written to {@code target/cli-session.txt}.
 *
 * <p>The server answers "cat" only when the prompt carries a demo (two images or more), and a
 * hedged "maybe a cat" otherwise, so optimizing (adding a labelled demo) measurably helps.
 */
class CommandLineLoopTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 40;

    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private final StringBuilder session = new StringBuilder();

    @BeforeEach
    void setUp() throws IOException {
        server = LoopbackChatServer.builder()
                .threads(4)
                .respond(r -> {
                    try {
                        Thread.sleep(60); // slow enough to kill the run part way
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    String body = new String(r.body(), StandardCharsets.UTF_8);
                    int images = body.split("data:image/png;base64,", -1).length - 1;
                    return LoopbackChatServer.chatAnswer("answer", images >= 2 ? "cat" : "maybe a cat");
                })
                .keepBodies(true)
                .start();
        Path img = dir.resolve("img");
        StringBuilder photos = new StringBuilder();
        for (int i = 1; i <= ROWS; i++) {
            NoiseImage.writePng(img, i + ".png", 12, 12, i);
            photos.append("{\"id\": ")
                    .append(i)
                    .append(", \"image\": \"img/")
                    .append(i)
                    .append(".png\", \"question\": \"Which animal is this, number ")
                    .append(i)
                    .append("?\"}\n");
        }
        Files.writeString(dir.resolve("photos.jsonl"), photos);
        Files.writeString(
                dir.resolve("train.jsonl"),
                "{\"image\": \"img/1.png\", \"question\": \"Which animal?\", \"answer\": \"cat\"}\n"
                        + "{\"image\": {\"path\": \"img/2.png\", \"media_type\": \"image/png\"}, \"question\": \"And this one?\", "
                        + "\"answer\": \"cat\"}\n");
        Files.writeString(
                dir.resolve("dev.jsonl"),
                "{\"image\": \"img/3.png\", \"question\": \"Which animal?\", \"answer\": \"cat\"}\n"
                        + "{\"image\": \"img/4.png\", \"question\": \"Which animal here?\", \"answer\": \"cat\"}\n"
                        + "{\"image\": \"img/5.png\", \"question\": \"And here?\", \"answer\": \"cat\"}\n");
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
        Path target = Path.of("target");
        if (Files.isDirectory(target)) Files.writeString(target.resolve("cli-session.txt"), session);
    }

    private record Result(int exit, String out, String err) {}

    /** Runs a command in this JVM, through picocli as the jar's main does. */
    private Result dspy4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        record(String.join(" ", args), exit, out.toString(), err.toString());
        return new Result(exit, out.toString(), err.toString());
    }

    private void record(String command, int exit, String out, String err) {
        session.append("$ dspy4j ")
                .append(command.replace(dir.toString() + "/", "").replace(server.baseUrl(), "$URL"))
                .append('\n')
                .append(out)
                .append(err.isEmpty() ? "" : "[stderr]\n" + err)
                .append("[exit ")
                .append(exit)
                .append("]\n\n");
    }

    /** Starts the command in a child JVM, as {@code java -jar dspy4j.jar} would. */
    private Process child(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        session.append("$ dspy4j ")
                .append(String.join(" ", args).replace(dir.toString() + "/", "").replace(server.baseUrl(), "$URL"))
                .append("   # in a child JVM\n");
        return new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) rows.add(JSON.readTree(line)); // throws on a cut-off line
        return rows;
    }

    @Test
    void newInspectRunKillResumeEvaluateOptimizeRunAgain() throws Exception {
        String url = server.baseUrl();
        Path prog = dir.resolve("vqa.json");
        Path cache = dir.resolve("cache");

        Result made = dspy4j(
                "new",
                "--signature",
                "image: Image, question -> answer",
                "--instructions",
                "Name the animal in one lowercase word.",
                "--lm",
                "openai/loopback-vlm",
                "--api-base",
                url,
                "--out",
                prog.toString());
        assertThat(made.exit()).as(made.err()).isZero();
        assertThat(made.out()).contains("wrote").contains("Predict");

        Result inspected = dspy4j(
                "inspect",
                "--program",
                prog.toString(),
                "--data",
                dir.resolve("photos.jsonl").toString(),
                "--row",
                "2");
        assertThat(inspected.exit()).as(inspected.err()).isZero();
        assertThat(inspected.out())
                .contains("signature     image: Image, question: str -> answer: str")
                .contains("Name the animal in one lowercase word.")
                .contains("openai/loopback-vlm")
                .contains("[[ ## question ## ]]\nWhich animal is this, number 2?")
                .containsPattern("<image image/png, \\d+ B, sha256:[0-9a-f]{12}>")
                .doesNotContain("base64");
        assertThat(server.requestCount()).as("inspect sends nothing").isZero();

        // run in a child JVM and kill it with SIGKILL part way
        Path answers = dir.resolve("answers.jsonl");
        String[] runArgs = {
            "run",
            "--program",
            prog.toString(),
            "--data",
            dir.resolve("photos.jsonl").toString(),
            "--out",
            answers.toString(),
            "--api-base",
            url,
            "--cache-dir",
            cache.toString(),
            "--threads",
            "2"
        };
        Process p = child(dir.resolve("run1.log"), runArgs);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while ((!Files.exists(answers) || Files.readAllLines(answers).size() < 5) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        p.destroyForcibly(); // SIGKILL on Linux
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);
        List<String> before = Files.readAllLines(answers);
        session.append("[killed with SIGKILL: exit ")
                .append(p.exitValue())
                .append("; ")
                .append(before.size())
                .append(" whole lines in answers.jsonl]\n\n");
        assertThat(before.size()).isBetween(5, ROWS - 1);

        Process resumed = child(dir.resolve("run2.log"), append(runArgs, "--resume"));
        assertThat(resumed.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String log2 = Files.readString(dir.resolve("run2.log"));
        session.append(log2).append("[exit ").append(resumed.exitValue()).append("]\n\n");
        assertThat(resumed.exitValue()).as(log2).isZero();
        List<JsonNode> rows = lines(answers);
        assertThat(rows).hasSize(ROWS);
        Set<Integer> seen = new HashSet<>();
        for (JsonNode r : rows) {
            assertThat(seen.add(r.get("row").asInt()))
                    .as("row %s once", r.get("row"))
                    .isTrue();
            assertThat(r.get("outputs").get("answer").asText()).isEqualTo("maybe a cat");
        }
        assertThat(seen).hasSize(ROWS);
        assertThat(log2).contains("kept from the earlier output");

        Result eval = dspy4j(
                "evaluate",
                "--program",
                prog.toString(),
                "--data",
                dir.resolve("dev.jsonl").toString(),
                "--metric",
                "exact_match:answer",
                "--metric",
                "f1",
                "--api-base",
                url,
                "--cache-dir",
                cache.toString(),
                "--report",
                dir.resolve("eval.csv").toString());
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out())
                .contains("exact_match:answer          0.0")
                .contains("f1:answer")
                .contains("3 rows");
        assertThat(Files.readAllLines(dir.resolve("eval.csv"))).hasSize(4);

        Path better = dir.resolve("vqa.optimized.json");
        Result opt = dspy4j(
                "optimize",
                "--program",
                prog.toString(),
                "--train",
                dir.resolve("train.jsonl").toString(),
                "--dev",
                dir.resolve("dev.jsonl").toString(),
                "--metric",
                "exact_match:answer",
                "--optimizer",
                "labeled",
                "--option",
                "k=1",
                "--api-base",
                url,
                "--cache-dir",
                cache.toString(),
                "--out",
                better.toString());
        assertThat(opt.exit()).as(opt.err()).isZero();
        assertThat(opt.out())
                .containsPattern("before\\nexact_match:answer\\s+0\\.0 ")
                .containsPattern("after\\nexact_match:answer\\s+100\\.0 ")
                .contains("wrote");

        Path betterAnswers = dir.resolve("better.jsonl");
        Result again = dspy4j(
                "run",
                "--program",
                better.toString(),
                "--data",
                dir.resolve("photos.jsonl").toString(),
                "--out",
                betterAnswers.toString(),
                "--api-base",
                url,
                "--cache-dir",
                cache.toString());
        assertThat(again.exit()).as(again.err()).isZero();
        List<JsonNode> improved = lines(betterAnswers);
        assertThat(improved)
                .hasSize(ROWS)
                .allSatisfy(
                        r -> assertThat(r.get("outputs").get("answer").asText()).isEqualTo("cat"));
    }

    private static String[] append(String[] a, String... more) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(more));
        return l.toArray(String[]::new);
    }
}
