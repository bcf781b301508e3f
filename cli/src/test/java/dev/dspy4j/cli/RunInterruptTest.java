package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.module.Predict;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on {@code dspy4j run} in a child JVM (SIGINT sent with {@code kill -INT}): it stops taking rows,
 * keeps the finished ones as whole lines, prints the summary and exits 130; {@code --resume} finishes.
 */
class RunInterruptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 30;

    @TempDir
    Path dir;

    @Test
    void sigintWritesWhatFinishedPrintsTheSummaryAndExits130() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .threads(2)
                .respond(r -> {
                    try {
                        Thread.sleep(150);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return LoopbackChatServer.chatAnswer("answer", "ok");
                })
                .start()) {
            StringBuilder rows = new StringBuilder();
            for (int i = 1; i <= ROWS; i++)
                rows.append("{\"question\": \"q").append(i).append("\"}\n");
            Path data = Files.writeString(dir.resolve("rows.jsonl"), rows);
            Path program = dir.resolve("qa.json");
            ProgramState.save(Predict.of("question -> answer"), program);
            Path out = dir.resolve("out.jsonl");
            Path log = dir.resolve("run.log");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName(),
                    "run",
                    "--program",
                    program.toString(),
                    "--data",
                    data.toString(),
                    "--out",
                    out.toString(),
                    "--lm",
                    "openai/m",
                    "--api-base",
                    server.baseUrl(),
                    "--no-cache",
                    "--threads",
                    "2"));
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((!Files.exists(out) || Files.readAllLines(out).size() < 4) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String printed = Files.readString(log);
            assertThat(p.exitValue()).as(printed).isEqualTo(130);
            assertThat(printed)
                    .contains("interrupted:")
                    .contains("run again with --resume")
                    .contains(" rows: ");
            List<String> lines = Files.readAllLines(out);
            assertThat(lines.size()).isBetween(4, ROWS - 1);
            for (String l : lines)
                assertThat(JSON.readTree(l).has("outputs")).as(l).isTrue(); // whole lines, no error rows

            Process resumed = new ProcessBuilder(append(cmd, "--resume"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("resume.log").toFile())
                    .start();
            assertThat(resumed.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(resumed.exitValue())
                    .as(Files.readString(dir.resolve("resume.log")))
                    .isZero();
            Set<Integer> seen = new HashSet<>();
            for (String l : Files.readAllLines(out)) {
                JsonNode n = JSON.readTree(l);
                assertThat(seen.add(n.get("row").asInt())).isTrue();
            }
            assertThat(seen).hasSize(ROWS);
        }
    }

    private static List<String> append(List<String> a, String more) {
        List<String> l = new ArrayList<>(a);
        l.add(more);
        return l;
    }
}
