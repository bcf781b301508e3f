package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.module.Predict;
import dev.dspy4j.redis.RedisServerExtension;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --cache redis://...}: a second run (another process would do the same) is served by Redis. */
class RunRedisCacheTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @TempDir
    Path dir;

    private Path program;
    private Path data;

    @BeforeEach
    void setUp() throws IOException {
        program = dir.resolve("qa.json");
        ProgramState.save(Predict.of("question -> answer").withInstructions("Answer briefly."), program);
        data = dir.resolve("rows.jsonl");
        Files.writeString(
                data,
                IntStream.range(0, 8)
                                .mapToObj(i -> "{\"question\": \"q" + i + "?\"}")
                                .collect(Collectors.joining("\n")) + "\n");
    }

    private record Run(int exit, String out, String err) {}

    private static Run dspy4j(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private List<String> run(LoopbackChatServer server, String outName, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--program",
                program.toString(),
                "--data",
                data.toString(),
                "--out",
                dir.resolve(outName).toString(),
                "--lm",
                "openai/loopback",
                "--api-base",
                server.baseUrl(),
                "--threads",
                "2"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void aSecondRunWithAnotherCacheDirectoryIsServedFromRedis() {
        try (LoopbackChatServer server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("answer", "yes"))) {
            String uri = redis.uri() + "/1";
            Run first = dspy4j(run(server, "first.jsonl", "--cache", uri));
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(server.requestCount()).isEqualTo(8);

            Run second = dspy4j(run(server, "second.jsonl", "--cache", uri));
            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(server.requestCount()).as("no LM call on the rerun").isEqualTo(8);
            assertThat(second.err()).contains("8 rows: 8 ok, 0 errors, 8 from the cache");
        }
    }

    @Test
    void twoRunsAtOnceOnTheSameRowsMakeEachCallOnce() throws Exception {
        // slow answers, so the two runs' identical rows are in flight together
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .threads(8)
                .respond(r -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return LoopbackChatServer.chatAnswer("answer", "yes");
                })
                .start()) {
            String uri = redis.uri() + "/2";
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                var a = pool.submit(() -> dspy4j(run(server, "a.jsonl", "--cache", uri)));
                var b = pool.submit(() -> dspy4j(run(server, "b.jsonl", "--cache", uri)));
                Run ra = a.get(2, java.util.concurrent.TimeUnit.MINUTES);
                Run rb = b.get(2, java.util.concurrent.TimeUnit.MINUTES);

                assertThat(ra.exit()).as(ra.err()).isZero();
                assertThat(rb.exit()).as(rb.err()).isZero();
                assertThat(server.requestCount())
                        .as("each of the 8 rows asked once over both runs")
                        .isEqualTo(8);
                assertThat(Files.readAllLines(dir.resolve("a.jsonl"))).hasSize(8);
                assertThat(Files.readAllLines(dir.resolve("b.jsonl"))).hasSize(8);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aRedisThatIsDownGivesOneWarningAndEveryRowIsAnswered() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (LoopbackChatServer server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("answer", "yes"))) {
            Run r = dspy4j(run(server, "out.jsonl", "--cache", "redis://:hunter2-secret@127.0.0.1:" + port));

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(server.requestCount()).isEqualTo(8);
            assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).hasSize(8);
            assertThat(r.err().lines().filter(l -> l.contains("Redis at redis://:***@127.0.0.1:" + port + " failed")))
                    .hasSize(1);
            assertThat(r.err()).doesNotContain("hunter2");
        }
    }

    @Test
    void duringAnOutageEachRowIsCountedOnceInTheSummary() throws IOException {
        // was "80 cache reads failed" for 40 rows: each call looks its request up twice
        Files.writeString(
                data,
                IntStream.range(0, 40)
                                .mapToObj(i -> "{\"question\": \"q" + i + "?\"}")
                                .collect(Collectors.joining("\n"))
                        + "\n");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (LoopbackChatServer server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("answer", "yes"))) {
            Run r = dspy4j(run(server, "out.jsonl", "--cache", "redis://127.0.0.1:" + port));

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(server.requestCount()).isEqualTo(40);
            assertThat(r.err())
                    .contains("40 rows: 40 ok, 0 errors, 0 from the cache, 40 answers could not be written to the"
                            + " cache, cache reads failed for 40 rows, ");
        }
    }

    @Test
    void aWrongPasswordFailsTheRunUpFrontWithoutPrintingIt() {
        // was: a warning, and the run went on without the cache it was asked to share
        try (LoopbackChatServer server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("answer", "yes"))) {
            Run r = dspy4j(run(server, "out.jsonl", "--cache", "redis://app:hunter2-secret@127.0.0.1:" + redis.port()));

            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(server.requestCount()).isZero();
            assertThat(dir.resolve("out.jsonl")).doesNotExist();
            assertThat(r.err())
                    .startsWith("dspy4j run: --cache: Redis at redis://app:***@127.0.0.1:" + redis.port()
                            + " refused this cache's settings (WRONGPASS")
                    .contains("): the user name or password is wrong")
                    .doesNotContain("hunter2");
        }
    }

    @Test
    void aDatabaseTheServerDoesNotHaveFailsTheRunUpFront() {
        // was: "ERR DB index is out of range" taken as an outage: a warning, exit 0, nothing shared
        try (LoopbackChatServer server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("answer", "yes"))) {
            for (String db : List.of("99", "16")) {
                Run r = dspy4j(run(server, "out" + db + ".jsonl", "--cache", redis.uri() + "/" + db));

                assertThat(r.exit()).as(r.err()).isEqualTo(2);
                assertThat(r.err().lines().toList())
                        .containsExactly("dspy4j run: --cache: Redis at " + redis.uri() + "/" + db
                                + " refused this cache's settings (ERR DB index is out of range): the database number"
                                + " in the URI is past the server's 'databases' setting (16 by default)");
            }
            assertThat(server.requestCount()).isZero();
            // evaluate and optimize open the cache the same way
            Path dev = dir.resolve("dev.jsonl");
            try {
                Files.writeString(dev, "{\"question\": \"q?\", \"answer\": \"yes\"}\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Run eval = dspy4j(List.of(
                    "evaluate",
                    "--program",
                    program.toString(),
                    "--data",
                    dev.toString(),
                    "--metric",
                    "exact_match:answer",
                    "--lm",
                    "openai/loopback",
                    "--api-base",
                    server.baseUrl(),
                    "--cache",
                    redis.uri() + "/99"));
            assertThat(eval.exit()).as(eval.err()).isEqualTo(2);
            assertThat(eval.err())
                    .startsWith("dspy4j evaluate: --cache: Redis at " + redis.uri() + "/99 refused this cache's"
                            + " settings (ERR DB index is out of range)");
            assertThat(server.requestCount()).isZero();
            // the last database there is still a cache
            Run last = dspy4j(run(server, "out15.jsonl", "--cache", redis.uri() + "/15"));
            assertThat(last.exit()).as(last.err()).isZero();
            assertThat(last.err()).doesNotContain("Redis at");
        }
    }

    @Test
    void badCacheOptionsAreUsageErrorsNamingTheValueWithoutItsPassword() {
        try (LoopbackChatServer server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("answer", "yes"))) {
            Run scheme = dspy4j(run(server, "a.jsonl", "--cache", "http://u:hunter2@127.0.0.1:6379"));
            assertThat(scheme.exit()).isEqualTo(2);
            assertThat(scheme.err())
                    .contains("--cache: Redis URI 'http://u:***@127.0.0.1:6379': scheme 'http' is not redis")
                    .doesNotContain("hunter2");

            Run both = dspy4j(run(
                    server,
                    "b.jsonl",
                    "--cache",
                    redis.uri(),
                    "--cache-dir",
                    dir.resolve("c").toString()));
            assertThat(both.exit()).isEqualTo(2);
            assertThat(both.err()).contains("cannot be combined with --cache-dir");

            Run off = dspy4j(run(server, "c.jsonl", "--cache", redis.uri(), "--no-cache"));
            assertThat(off.exit()).isEqualTo(2);
            assertThat(off.err()).contains("cannot be combined with --no-cache");
            assertThat(server.requestCount()).isZero();
        }
    }
}
