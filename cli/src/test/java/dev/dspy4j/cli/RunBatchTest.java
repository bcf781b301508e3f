package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.module.Predict;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dspy4j run --batch} against the loopback server's Anthropic Message Batches. */
class RunBatchTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run dspy4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path program() throws Exception {
        Path program = dir.resolve("qa.json");
        ProgramState.save(Predict.of("question -> answer"), program);
        return program;
    }

    private Path data(int n, String... extra) throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= n; i++) rows.append("{\"question\": \"q").append(i).append("\"}\n");
        for (String e : extra) rows.append(e).append('\n');
        return Files.writeString(dir.resolve("rows.jsonl"), rows);
    }

    private List<String> args(Path program, Path data, Path out, LoopbackChatServer server, String... more) {
        List<String> a = new ArrayList<>(List.of(
                "run",
                "--program",
                program.toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--lm",
                "anthropic/claude-haiku-4-5",
                "--api-base",
                server.root().toString(),
                "--cache-dir",
                dir.resolve("cache").toString()));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void aBatchRunWritesEveryRowFromOneBatchAndAPlainRunAfterwardsIsServedByTheCache() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .batchPolls(2)
                .batchErrors(r -> r.bodyText().contains("poison"))
                .start()) {
            Path program = program();
            Path data = data(4, "", "{\"question\": \"poison\"}", "{\"question\": \"q1\"}");
            Path out = dir.resolve("out.jsonl");

            Run r = dspy4j(args(program, data, out, server, "--batch", "--poll-interval", "0")
                    .toArray(String[]::new));

            assertThat(r.exit()).as(r.err()).isEqualTo(1);
            assertThat(r.err())
                    .contains(
                            "cache pass 1 over 6 rows: 5 requests not in the cache",
                            "created anthropic batch msgbatch_loopback1 with 5 requests",
                            "batch msgbatch_loopback1: ended, 5/5 done (4 succeeded, 1 failed)",
                            "batch msgbatch_loopback1 ended: 4 answers stored in the cache, 1 failed",
                            "cache pass 2 over 6 rows: no request left to send",
                            "6 rows: 5 ok, 1 error (lm 1)");
            List<JsonNode> rows = RunCommandTest.rows(out);
            assertThat(rows).hasSize(6);
            for (JsonNode row : rows) {
                if (row.get("row").asInt() == 6) {
                    assertThat(row.get("error").asText())
                            .isEqualTo("batch msgbatch_loopback1: errored: loopback: this request"
                                    + " is refused [invalid_request_error]");
                    assertThat(row.get("error_type").asText()).isEqualTo("lm");
                } else {
                    assertThat(row.get("outputs").get("answer").asText())
                            .as(row.toString())
                            .isEqualTo("ok");
                }
            }
            assertThat(server.requestCount()).as("live calls").isZero();
            assertThat(server.batchesCreated()).isEqualTo(1);
            assertThat(BatchPhase.stateFile(out))
                    .as("deleted when the run finished")
                    .doesNotExist();

            Run plain = dspy4j(
                    args(program, data, dir.resolve("plain.jsonl"), server).toArray(String[]::new));
            assertThat(plain.err()).contains("6 rows: 6 ok, 0 errors, 5 from the cache");
            assertThat(server.requestCount())
                    .as("only the row the batch failed is asked live")
                    .isEqualTo(1);
        }
    }

    @Test
    void aBatchRunKilledWhilePollingResumesByPollingTheSameBatch() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(8).start()) {
            Path program = program();
            Path data = data(5);
            Path out = dir.resolve("out.jsonl");
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Main.class.getName()));
            cmd.addAll(args(program, data, out, server, "--batch", "--poll-interval", "0.2"));
            Path log = dir.resolve("first.log");
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (server.batchPollCount() < 2 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            p.destroyForcibly(); // SIGKILL mid-poll: no hook runs, only the state file tells what was sent
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(log)).isEqualTo(137);
            assertThat(server.batchesCreated()).isEqualTo(1);
            assertThat(Files.readString(BatchPhase.stateFile(out))).contains("msgbatch_loopback1");

            Run again = dspy4j(args(program, data, out, server, "--batch", "--poll-interval", "0.05")
                    .toArray(String[]::new));
            assertThat(again.exit()).isEqualTo(2);
            assertThat(again.err()).contains("--resume");

            Run resumed = dspy4j(args(program, data, out, server, "--batch", "--poll-interval", "0.05", "--resume")
                    .toArray(String[]::new));
            assertThat(resumed.exit()).as(resumed.err()).isZero();
            assertThat(resumed.err())
                    .contains("resuming anthropic batch msgbatch_loopback1 (from the batch state)")
                    .doesNotContain("created anthropic batch")
                    .contains("5 rows: 5 ok, 0 errors");
            assertThat(server.batchesCreated()).as("one batch in all").isEqualTo(1);
            assertThat(server.requestCount()).isZero();
            assertThat(RunCommandTest.rows(out)).hasSize(5);
            assertThat(BatchPhase.stateFile(out)).doesNotExist();
        }
    }

    @Test
    void anOpenAiBatchRunUploadsOneInputFileAndWritesEveryRow() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(1).start()) {
            Path out = dir.resolve("out.jsonl");
            List<String> a = new ArrayList<>(List.of(
                    "run",
                    "--program",
                    program().toString(),
                    "--data",
                    data(3).toString(),
                    "--out",
                    out.toString(),
                    "--lm",
                    "openai/gpt-4o-mini",
                    "--api-base",
                    server.baseUrl(),
                    "--cache-dir",
                    dir.resolve("cache").toString(),
                    "--batch",
                    "--poll-interval",
                    "0"));
            Run r = dspy4j(a.toArray(String[]::new));
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err())
                    .contains("created openai batch batch_loopback1 with 3 requests", "3 rows: 3 ok, 0 errors");
            assertThat(RunCommandTest.rows(out)).hasSize(3);
            assertThat(server.files().uploadCount()).isEqualTo(1);
            assertThat(server.requestCount()).isZero();
        }
    }

    @Test
    void cancelStopsTheBatchAndResumeWritesTheCanceledRowsAsErrors() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(1000).start()) {
            Path program = program();
            Path data = data(2);
            Path out = dir.resolve("out.jsonl");
            java.util.concurrent.atomic.AtomicReference<Run> first =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread t = new Thread(
                    () -> first.set(dspy4j(args(program, data, out, server, "--batch", "--poll-interval", "0.05")
                            .toArray(String[]::new))));
            t.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.batchPollCount() < 1 && System.nanoTime() < deadline) Thread.sleep(10);

            Run cancel = dspy4j(
                    args(program, data, out, server, "--batch", "--cancel").toArray(String[]::new));
            assertThat(cancel.exit()).as(cancel.err()).isZero();
            assertThat(cancel.err())
                    .contains("asked to cancel batch msgbatch_loopback1: ended, 2/2 done (0 succeeded, 2 failed)");
            t.join(30_000);
            assertThat(first.get().exit()).as(first.get().err()).isEqualTo(1);
            assertThat(RunCommandTest.rows(out))
                    .hasSize(2)
                    .allSatisfy(
                            r -> assertThat(r.get("error").asText())
                                    .isEqualTo(
                                            "batch msgbatch_loopback1: canceled: the batch was canceled before this request ran"));
            assertThat(server.batchesCreated()).isEqualTo(1);

            Run none = dspy4j(args(program, data, out, server, "--batch", "--cancel", "--resume")
                    .toArray(String[]::new));
            assertThat(none.exit()).isEqualTo(2);
            assertThat(none.err()).contains("no batch to cancel");
        }
    }

    @Test
    void resumingABatchTheProviderNoLongerKnowsNamesItsIdAndWhatToDo() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(1000).start()) {
            Path program = program();
            Path data = data(2);
            Path out = dir.resolve("out.jsonl");
            Path state = BatchPhase.stateFile(out);
            // a real state file: a first run creates the batch, is cancelled, and its state is kept aside
            java.util.concurrent.atomic.AtomicReference<Run> first =
                    new java.util.concurrent.atomic.AtomicReference<>();
            Thread t = new Thread(
                    () -> first.set(dspy4j(args(program, data, out, server, "--batch", "--poll-interval", "0.05")
                            .toArray(String[]::new))));
            t.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.batchPollCount() < 1 && System.nanoTime() < deadline) Thread.sleep(10);
            String kept = Files.readString(state);
            assertThat(kept).contains("\"msgbatch_loopback1\"");
            assertThat(dspy4j(args(program, data, out, server, "--batch", "--cancel")
                                    .toArray(String[]::new))
                            .exit())
                    .isZero();
            t.join(30_000);
            Files.delete(out);
            // the provider has forgotten the batch (expired, deleted, or another account's)
            Files.writeString(state, kept.replace("msgbatch_loopback1", "msgbatch_gone"));

            Run r = dspy4j(args(program, data, out, server, "--batch", "--poll-interval", "0", "--resume")
                    .toArray(String[]::new));

            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err())
                    .contains(
                            "dspy4j run: batch msgbatch_gone kept in " + state + " is not known to the provider (404: ")
                    .contains("Delete " + state + " and run the same command again: with --resume the rows already in "
                            + out + " are kept and the others go in a new batch");
            assertThat(server.batchesCreated())
                    .as("no new batch sent behind the user's back")
                    .isEqualTo(1);
        }
    }

    @Test
    void batchWithoutTheCacheIsAUsageError() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.start("x")) {
            Run r = dspy4j(args(program(), data(1), dir.resolve("o.jsonl"), server, "--batch", "--no-cache")
                    .toArray(String[]::new));
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err())
                    .contains("--batch stores the answers in the response cache; it cannot run with --no-cache");
        }
    }
}
