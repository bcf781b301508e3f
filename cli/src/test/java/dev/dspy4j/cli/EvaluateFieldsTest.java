package dev.dspy4j.cli;

import static dev.dspy4j.cli.RunFixesTest.dspy4j;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.testing.LoopbackChatServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** evaluate checks its metric fields before any LM call, and shows why rows failed on the console. */
class EvaluateFieldsTest {
    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private Path program;
    private Path data;

    @BeforeEach
    void setUp() throws IOException {
        server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("answer", "cat"));
        program = dir.resolve("p.json");
        assertThat(dspy4j("new", "--signature", "question, context -> answer", "--out", program.toString())
                        .exit())
                .isZero();
        data = dir.resolve("dev.jsonl");
        Files.writeString(
                data,
                "{\"question\": \"a?\", \"context\": \"c\", \"answer\": \"cat\"}\n"
                        + "{\"question\": \"b?\", \"context\": \"c\", \"answer\": \"dog\"}\n");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private RunFixesTest.Run evaluate(Path rows, String... metricsAndMore) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "evaluate",
                "--program",
                program.toString(),
                "--data",
                rows.toString(),
                "--lm",
                "openai/m",
                "--api-base",
                server.baseUrl(),
                "--no-cache",
                "--threads",
                "1"));
        args.addAll(List.of(metricsAndMore));
        return dspy4j(args.toArray(String[]::new));
    }

    @Test
    void aMetricFieldThatIsNoOutputFieldIsAUsageErrorBeforeAnyLmCall() {
        var typo = evaluate(data, "--metric", "exact_match:anwser");
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err())
                .contains("dspy4j evaluate: --metric exact_match:anwser: the program has no output field "
                        + "'anwser'; its output fields are answer");
        var f1 = evaluate(data, "--metric", "exact_match", "--metric", "f1:question");
        assertThat(f1.exit()).isEqualTo(2);
        assertThat(f1.err()).contains("--metric f1:question: the program has no output field 'question'");
        var passage = evaluate(data, "--metric", "passage_match:answer,ctx");
        assertThat(passage.exit()).isEqualTo(2);
        assertThat(passage.err())
                .contains("--metric passage_match:answer,ctx: the program has no field 'ctx'; "
                        + "its fields are question, context, answer");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void aMetricFieldNoRowHoldsAsALabelIsAUsageErrorBeforeAnyLmCall() throws IOException {
        Path unlabelled = dir.resolve("unlabelled.jsonl");
        Files.writeString(unlabelled, "{\"question\": \"a?\", \"context\": \"c\", \"label\": \"cat\"}\n");
        var r = evaluate(unlabelled, "--metric", "exact_match:answer");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .contains("--metric exact_match:answer: no row of " + unlabelled
                        + " has the label 'answer'; its rows have context, label, question");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void failedRowsAreShownWithTheirLineAndReasonAndTheReportNumbersRowsByLine() throws IOException {
        Path mixed = dir.resolve("mixed.jsonl");
        StringBuilder rows = new StringBuilder("\n{\"question\": \"a?\", \"context\": \"c\", \"answer\": \"cat\"}\n");
        for (int i = 0; i < 5; i++) rows.append("{\"question\": \"q").append(i).append("\", \"context\": \"c\"}\n");
        Files.writeString(mixed, rows.toString());
        Path report = dir.resolve("eval.csv");

        var r = evaluate(mixed, "--metric", "exact_match", "--report", report.toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out())
                .contains("failed: metric 5")
                .contains("  row 3 failed (metric): the example has no gold field 'answer'; it has [question, context]")
                .contains("  row 5 failed (metric)")
                .contains("  ... and 2 more failed rows (every reason is in --report)")
                .doesNotContain("row 6 failed");
        List<String> csv = Files.readAllLines(report);
        assertThat(csv.get(0)).startsWith("index,");
        assertThat(csv.subList(1, csv.size()))
                .extracting(l -> l.substring(0, l.indexOf(',')))
                .containsExactly("2", "3", "4", "5", "6", "7");
    }
}
