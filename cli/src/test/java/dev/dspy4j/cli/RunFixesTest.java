package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.cache.DiskCache;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.module.Predict;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixes to {@code dspy4j run} of the "whole job from the command line" issue, each driven as a user would. */
class RunFixesTest {

    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private final AtomicBoolean garbled = new AtomicBoolean();
    private Path program;
    private Path data;
    private Path cacheDir;

    @BeforeEach
    void setUp() throws IOException {
        server = LoopbackChatServer.builder()
                .keepBodies(true)
                .respond(r ->
                        garbled.get() ? "I would rather not say." : LoopbackChatServer.chatAnswer("answer", "fine"))
                .start();
        NoiseImage.writePng(dir.resolve("data/img"), "a.png", 8, 8, 1);
        Files.copy(dir.resolve("data/img/a.png"), dir.resolve("data/img/a.bin"));
        program = dir.resolve("vqa.json");
        ProgramState.save(Predict.of("image: Image, question -> answer"), program);
        data = dir.resolve("data/rows.jsonl");
        Files.writeString(
                data,
                "{\"image\": \"img/a.png\", \"question\": \"q1\"}\n"
                        + "{\"image\": \"img/a.png\", \"question\": \"q2\"}\n"
                        + "\n"
                        + "{\"image\": \"img/a.png\", \"question\": \"q4\"}\n");
        cacheDir = dir.resolve("cache");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    record Run(int exit, String out, String err) {}

    static Run dspy4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run run(Path rows, Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "run",
                "--program",
                program.toString(),
                "--data",
                rows.toString(),
                "--out",
                out.toString(),
                "--lm",
                "openai/m",
                "--api-base",
                server.baseUrl(),
                "--cache-dir",
                cacheDir.toString(),
                "--threads",
                "2"));
        args.addAll(List.of(more));
        return dspy4j(args.toArray(String[]::new));
    }

    @Test
    void anExistingOutputIsRefusedWithoutResumeAndNeverTruncated() throws IOException {
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "{\"row\": 1, \"outputs\": {\"answer\": \"kept\"}, \"cached\": false}\n");

        Run r = run(data, out);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("already exists").contains("--resume");
        assertThat(Files.readString(out)).contains("kept");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void resumeKeepsWholeLinesDropsACutOffLineAndRunsTheRestOnce() throws IOException {
        Path out = dir.resolve("out.jsonl");
        // row 1 finished; row 2's line was cut off by a crash
        Files.writeString(
                out, "{\"row\":1,\"outputs\":{\"answer\":\"from before\"},\"cached\":false}\n{\"row\":2,\"outp");

        Run r = run(data, out, "--resume");

        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> rows = RunCommandTest.rows(out);
        assertThat(rows).extracting(n -> n.get("row").asInt()).containsExactly(1, 2, 4);
        assertThat(rows.get(0).get("outputs").get("answer").asText()).isEqualTo("from before");
        assertThat(server.requestCount()).isEqualTo(2); // rows 2 and 4 only
    }

    @Test
    void resumeAgainstAChangedDatasetDropsLinesForRowsThatAreGoneOrChangedTheirId() throws IOException {
        Files.writeString(
                data,
                "{\"id\": \"a\", \"image\": \"img/a.png\", \"question\": \"q1\"}\n"
                        + "{\"id\": \"b\", \"image\": \"img/a.png\", \"question\": \"q2\"}\n"
                        + "\n");
        Path out = dir.resolve("out.jsonl");
        // row 1 is still there; row 2 held another row (id "old") then; rows 3 (now blank) and 7 are gone
        Files.writeString(
                out,
                "{\"row\":1,\"id\":\"a\",\"outputs\":{\"answer\":\"kept\"},\"cached\":false}\n"
                        + "{\"row\":2,\"id\":\"old\",\"outputs\":{\"answer\":\"stale\"},\"cached\":false}\n"
                        + "{\"row\":3,\"error\":\"boom\",\"error_type\":\"lm\",\"cached\":false}\n"
                        + "{\"row\":7,\"error\":\"boom\",\"error_type\":\"lm\",\"cached\":false}\n");

        Run r = run(data, out, "--resume");

        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> rows = RunCommandTest.rows(out);
        assertThat(rows)
                .extracting(n -> n.get("row").asInt() + ":" + n.get("id").asText())
                .containsExactly("1:a", "2:b");
        assertThat(rows.get(0).get("outputs").get("answer").asText()).isEqualTo("kept");
        assertThat(rows.get(1).get("outputs").get("answer").asText()).isEqualTo("fine");
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(r.err()).contains("2 rows: 2 ok, 0 errors").contains("3 line(s) of the earlier output were dropped");
    }

    @Test
    void resumeWithAnEmptyOutputFileRunsEveryRow() throws IOException {
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, "");

        Run r = run(data, out, "--resume");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(RunCommandTest.rows(out))
                .extracting(n -> n.get("row").asInt())
                .containsExactly(1, 2, 4);
        assertThat(r.err()).doesNotContain("dropped");
    }

    @Test
    void exitStatusIsOneWhenRowsFailAndWhenTheServerIsDown() throws IOException {
        Path ok = dir.resolve("ok.jsonl");
        assertThat(run(data, ok).exit()).isZero();

        server.close();
        Run down = run(data, dir.resolve("down.jsonl"), "--no-cache", "--retries", "0", "--timeout", "5");

        assertThat(down.exit()).as(down.err()).isEqualTo(1);
        assertThat(down.err()).contains("3 rows: 0 ok, 3 errors (lm 3)");
        assertThat(RunCommandTest.rows(dir.resolve("down.jsonl")))
                .allSatisfy(n -> assertThat(n.get("error_type").asText()).isEqualTo("lm"));
    }

    @Test
    void theProgressBarEndsOnceAndBlankLinesAreNamed() {
        Run r = run(data, dir.resolve("o.jsonl"));

        assertThat(r.err().split("done in", -1)).hasSize(2);
        assertThat(r.err()).contains("3/3 rows").contains("skipped blank lines: 3");
    }

    @Test
    void anUnparsableCachedAnswerSaysSoAndRetryFailedAsksAgainPastTheCache() throws IOException {
        garbled.set(true);
        Path first = dir.resolve("first.jsonl");
        assertThat(run(data, first).exit()).isEqualTo(1);
        assertThat(RunCommandTest.rows(first)).allSatisfy(n -> {
            assertThat(n.get("error_type").asText()).isEqualTo("parse");
            assertThat(n.get("cached").asBoolean()).isFalse();
        });

        garbled.set(false); // the server is fixed; the cache still holds the bad answers
        Path replay = dir.resolve("replay.jsonl");
        assertThat(run(data, replay).exit()).isEqualTo(1);
        assertThat(RunCommandTest.rows(replay)).allSatisfy(n -> {
            assertThat(n.get("error_type").asText()).isEqualTo("parse");
            assertThat(n.get("cached").asBoolean())
                    .as("the error came from the cache")
                    .isTrue();
        });

        server.reset();
        Path retried = dir.resolve("retried.jsonl");
        Run r = run(data, retried, "--retry-failed");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(RunCommandTest.rows(retried))
                .allSatisfy(
                        n -> assertThat(n.get("outputs").get("answer").asText()).isEqualTo("fine"));
        assertThat(server.requestCount()).isPositive();
        // the good answers replaced the bad ones in the cache
        server.reset();
        assertThat(run(data, dir.resolve("after.jsonl")).exit()).isZero();
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void resumeWithRetryFailedRunsTheEarlierErrorRowsAgain() throws IOException {
        Path out = dir.resolve("out.jsonl");
        Files.writeString(
                out,
                "{\"row\":1,\"outputs\":{\"answer\":\"ok\"},\"cached\":false}\n"
                        + "{\"row\":2,\"error\":\"bad\",\"error_type\":\"lm\",\"cached\":false}\n");

        Run r = run(data, out, "--resume", "--retry-failed");

        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> rows = RunCommandTest.rows(out);
        assertThat(rows).extracting(n -> n.get("row").asInt()).containsExactly(1, 2, 4);
        assertThat(rows).allSatisfy(n -> assertThat(n.has("error")).isFalse());
    }

    @Test
    void mediaWithADeclaredTypeAndUnsupportedSchemesAreNamed() throws IOException {
        Path rows = dir.resolve("data/media.jsonl");
        Files.writeString(
                rows,
                String.join(
                                "\n",
                                "{\"image\": {\"path\": \"img/a.bin\", \"media_type\": \"image/png\"}, \"question\": \"typed\"}",
                                "{\"image\": \"ftp://example.com/a.png\", \"question\": \"ftp\"}",
                                "{\"image\": \"img/nope.png\", \"question\": \"missing\"}",
                                "{\"image\": {\"file\": \"img/a.png\"}, \"question\": \"bad key\"}")
                        + "\n");
        Path out = dir.resolve("media.out.jsonl");

        Run r = run(rows, out, "--no-cache");

        assertThat(r.exit()).isEqualTo(1);
        List<JsonNode> got = RunCommandTest.rows(out);
        assertThat(got.get(0).get("outputs").get("answer").asText()).isEqualTo("fine");
        assertThat(server.received().get(0).bodyText()).contains("data:image/png;base64,");
        assertThat(got.get(1).get("error").asText())
                .contains("unsupported URL scheme 'ftp:'")
                .doesNotContain("does not exist")
                .contains(Dataset.MEDIA_FORMS);
        assertThat(got.get(2).get("error").asText())
                .contains("does not exist")
                .contains("accepted: " + Dataset.MEDIA_FORMS);
        assertThat(got.get(3).get("error").asText())
                .contains("unknown key 'file'")
                .contains(Dataset.MEDIA_FORMS);
    }

    @Test
    void aCorruptedCacheWarnsAndRunsWithoutItOrFailsWhenAsked() throws IOException {
        Files.createDirectories(cacheDir);
        Files.write(cacheDir.resolve(DiskCache.FILE_NAME), new byte[8192]); // zeros: not a database
        Path out = dir.resolve("o.jsonl");

        Run fail = run(data, out, "--cache-errors", "fail");
        assertThat(fail.exit()).isEqualTo(2);
        assertThat(fail.err()).contains("cannot be used").contains("--no-cache");
        assertThat(out).doesNotExist();

        Run warn = run(data, out);
        assertThat(warn.exit()).as(warn.err()).isZero();
        assertThat(warn.err()).contains("warning: the response cache in").contains("running without the cache");

        // cache verify exits 1 on a damaged cache, as the README says, with what to do
        Run verify = dspy4j("cache", "verify", "--cache-dir", cacheDir.toString());
        assertThat(verify.exit()).isEqualTo(1);
        assertThat(verify.err()).contains("dspy4j cache: ").contains(cacheDir.toString());
        assertThat(dspy4j("cache", "stats", "--cache-dir", cacheDir.toString()).exit())
                .isEqualTo(1);
    }

    @Test
    void aCacheFileThatIsNotAFileIsReportedNotTakenForNoCache() throws IOException {
        // a directory (or other non-file) where the cache file belongs: run cannot use it, so verify and
        // stats must not say "no cache" and exit 0
        Files.createDirectories(cacheDir.resolve(DiskCache.FILE_NAME));
        Run verify = dspy4j("cache", "verify", "--cache-dir", cacheDir.toString());
        assertThat(verify.exit()).as(verify.out() + verify.err()).isEqualTo(1);
        assertThat(verify.out()).doesNotContain("no cache");
        assertThat(verify.err())
                .contains("dspy4j cache: ")
                .contains(cacheDir.resolve(DiskCache.FILE_NAME).toString())
                .contains("not a regular file");
        Run stats = dspy4j("cache", "stats", "--cache-dir", cacheDir.toString());
        assertThat(stats.exit()).isEqualTo(1);
        assertThat(dspy4j("cache", "stats", "--json", "--cache-dir", cacheDir.toString())
                        .exit())
                .isEqualTo(1);
    }

    @Test
    void optimizeHelpFormatsEveryOptimizerWithoutPicocliWarnings() {
        // a '%' in an optimizer's description broke picocli's formatting of the whole help text
        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream tracer = new java.io.ByteArrayOutputStream();
        Run help;
        try {
            System.setErr(
                    new java.io.PrintStream(tracer, true, java.nio.charset.StandardCharsets.UTF_8)); // picocli's tracer
            help = dspy4j("optimize", "--help");
        } finally {
            System.setErr(realErr);
        }
        assertThat(help.exit()).isZero();
        assertThat(tracer.toString(java.nio.charset.StandardCharsets.UTF_8) + help.out() + help.err())
                .doesNotContain("Could not format");
        assertThat(help.out()).contains("MIPROv2");
    }

    @Test
    void cacheWriteFailuresAreCountedAndWarnedOncePerCause() {
        DiskCache disk = DiskCache.open(dir.resolve("c"));
        disk.close(); // every write now fails
        StringWriter err = new StringWriter();
        CliLogging.configure(new PrintWriter(err), CliLogging.Verbosity.NORMAL);
        CliCache cache = new CliCache(disk, disk.file().toString(), new CacheFailureTally());
        for (int i = 0; i < 3; i++) {
            byte[] k = new byte[32];
            k[0] = (byte) i;
            cache.put(
                    CacheKey.ofBytes(k),
                    new LmResponse(List.of(Completion.of("x")), dev.dspy4j.lm.Usage.ZERO, "m", false));
        }

        assertThat(cache.writeFailures()).isEqualTo(3);
        assertThat(err.toString().lines().filter(l -> l.startsWith("warning:")).count())
                .isEqualTo(1);
        assertThat(err.toString()).contains("cannot store answers");
        assertThat(CliLogging.suppressed()).isEqualTo(2);
    }

    @Test
    void timeoutAndRetriesReachTheClient() throws IOException {
        try (LoopbackChatServer slow = LoopbackChatServer.builder()
                .respond(r -> {
                    try {
                        Thread.sleep(3_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return LoopbackChatServer.chatAnswer("answer", "late");
                })
                .start()) {
            Path one = dir.resolve("data/one.jsonl");
            Files.writeString(one, "{\"image\": \"img/a.png\", \"question\": \"q\"}\n");
            Run r = dspy4j(
                    "run",
                    "--program",
                    program.toString(),
                    "--data",
                    one.toString(),
                    "--out",
                    dir.resolve("slow.jsonl").toString(),
                    "--lm",
                    "openai/m",
                    "--api-base",
                    slow.baseUrl(),
                    "--no-cache",
                    "--timeout",
                    "0.5",
                    "--retries",
                    "1");

            assertThat(r.exit()).isEqualTo(1);
            assertThat(RunCommandTest.rows(dir.resolve("slow.jsonl"))
                            .get(0)
                            .get("error_type")
                            .asText())
                    .isEqualTo("lm");
            assertThat(slow.requestCount()).isEqualTo(2); // one try and one retry
        }
    }
}
