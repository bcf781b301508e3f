package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.module.Predict;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage-and-cost line and JSON of {@code dspy4j run}, and its --rpm, --tpm, --prices and --virtual-threads. */
class RunUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private Path program;
    private Path data;

    @BeforeEach
    void setUp() throws Exception {
        // every answer: 100 prompt tokens, 10 completion tokens
        server = LoopbackChatServer.builder()
                .respond(r -> LoopbackChatServer.chatAnswer("answer", "ok"))
                .start();
        program = dir.resolve("qa.json");
        ProgramState.save(Predict.of("question -> answer"), program);
        data = dir.resolve("rows.jsonl");
        // three distinct questions and one repeat: three calls reach the server, one is a cache hit
        Files.writeString(
                data, "{\"question\":\"a\"}\n{\"question\":\"b\"}\n{\"question\":\"c\"}\n{\"question\":\"a\"}\n");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private record Run(int exit, String out, String err) {}

    private Run run(String... extra) {
        String[] base = {
            "run",
            "--program",
            program.toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("out-" + System.nanoTime() + ".jsonl").toString(),
            "--lm",
            "openai/gpt-4o-mini",
            "--api-base",
            server.baseUrl(),
            "--cache-dir",
            dir.resolve("cache").toString(),
            "--threads",
            "2",
            "-q"
        };
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theSummaryTotalsCallsCacheHitsTokensAndCostAndJsonSaysTheSame() throws Exception {
        Run r = run("--json", "--rpm", "600", "--tpm", "100000");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(server.requestCount()).isEqualTo(3);
        // gpt-4o-mini: 300 * $0.15 + 30 * $0.60 per million tokens = $0.000063
        assertThat(r.err())
                .contains("LM: 4 LM calls (1 cache hits, 0 errors), tokens: 300 in (0 cached), 30 out (0 reasoning), "
                        + "cost $0.0001 (prices of ");
        JsonNode usage = JSON.readTree(r.out()).get("usage");
        assertThat(usage.get("lm_calls").asLong()).isEqualTo(4);
        assertThat(usage.get("cache_hits").asLong()).isEqualTo(1);
        assertThat(usage.get("input_tokens").asLong()).isEqualTo(300);
        assertThat(usage.get("output_tokens").asLong()).isEqualTo(30);
        assertThat(usage.get("cost_usd").asDouble()).isCloseTo(0.000063, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(r.out()).containsPattern("\"cost_usd\"\\s*:\\s*0\\.000063[,\\s}]");
        assertThat(RunSummary.usd(4.200000000000002E-4).toString()).isEqualTo("0.000420");
        assertThat(usage.get("prices_as_of").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(JSON.readTree(r.out()).get("rows").asLong()).isEqualTo(4);
    }

    @Test
    void aUserPriceTableAndVirtualThreadsAreUsed() throws Exception {
        Path prices = dir.resolve("prices.json");
        Files.writeString(
                prices, "{\"as_of\":\"2026-11-29\",\"models\":{\"gpt-4o-mini\":{\"input\":1000,\"output\":10000}}}");
        Run r = run("--prices", prices.toString(), "--virtual-threads", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        // 300 * 1000 + 30 * 10000 per million = $0.60
        assertThat(r.err()).contains("cost $0.6000 (prices of 2026-11-29)");
    }

    @Test
    void badLimitsAndPriceFilesAreUsageErrors() throws Exception {
        Run r = run("--rpm", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--rpm must be at least 1, not 0");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"models\":{\"m\":{\"input\":-1,\"output\":1}}}");
        r = run("--prices", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--prices: the price table " + bad).contains("model m");
        assertThat(server.requestCount()).isZero();
    }
}
