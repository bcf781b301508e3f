package dev.dspy4j.cli;

import static dev.dspy4j.cli.RunFixesTest.dspy4j;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --optimizer mipro} and {@code --optimizer gepa} from the command line, against a loopback server. */
class OptimizeMiproGepaTest {
    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private Path prog;

    @BeforeEach
    void setUp() throws IOException {
        // the task answers "cat" unless its instructions say "Always answer dog."; the proposer and the
        // reflection both suggest saying it
        server = LoopbackChatServer.builder()
                .respond(r -> {
                    String body = r.bodyText();
                    if (body.contains("proposed_instruction")) {
                        return LoopbackChatServer.chatAnswer("proposed_instruction", "Always answer dog.");
                    }
                    if (body.contains("new_instruction"))
                        return LoopbackChatServer.chatAnswer("new_instruction", "Always answer dog.");
                    if (body.contains("describe the dataset"))
                        return LoopbackChatServer.chatAnswer("description", "Animal questions.");
                    return LoopbackChatServer.chatAnswer("answer", body.contains("Always answer dog.") ? "dog" : "cat");
                })
                .keepBodies(true)
                .start();
        Files.writeString(dir.resolve("train.jsonl"), """
                {"question": "Which?", "answer": "dog"}
                {"question": "And?", "answer": "dog"}
                {"question": "Or?", "answer": "dog"}
                {"question": "Then?", "answer": "dog"}
                {"question": "Else?", "answer": "cat"}
                """);
        prog = dir.resolve("p.json");
        assertThat(dspy4j("new", "--signature", "question -> answer", "--out", prog.toString())
                        .exit())
                .isZero();
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private RunFixesTest.Run optimize(String... more) {
        String[] base = {
            "optimize",
            "--program",
            prog.toString(),
            "--train",
            dir.resolve("train.jsonl").toString(),
            "--metric",
            "exact_match",
            "--out",
            dir.resolve("o.json").toString(),
            "--api-base",
            server.baseUrl(),
            "--lm",
            "openai/m",
            "--no-cache",
            "--threads",
            "2"
        };
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return dspy4j(all);
    }

    @Test
    void miproFindsTheInstructionAndWritesItsTrialLog() throws IOException {
        Path log = dir.resolve("mipro.json");
        var r = optimize(
                "--optimizer",
                "mipro",
                "--option",
                "num_candidates=2",
                "--option",
                "num_trials=3",
                "--option",
                "max_labeled_demos=1",
                "--option",
                "trial_log=" + log);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err())
                .contains("MIPROv2 trial 1: 25.0 (best 25.0), 4 metric calls")
                .contains("(best 75.0)");
        assertThat(ProgramState.reader()
                        .read(dir.resolve("o.json"))
                        .predictors()
                        .get("self")
                        .instructions())
                .isEqualTo("Always answer dog.");
        JsonNode doc = new ObjectMapper().readTree(log.toFile());
        assertThat(doc.get("optimizer").asText()).isEqualTo("MIPROv2");
        assertThat(doc.get("trials")).hasSize(4); // the default program and 3 trials
    }

    @Test
    void gepaNeedsABudgetAndThenImprovesTheInstruction() {
        var none = optimize("--optimizer", "gepa");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--optimizer gepa: GEPA needs exactly one budget");

        var r = optimize(
                "--optimizer",
                "gepa",
                "--option",
                "max_metric_calls=20",
                "--option",
                "use_merge=false",
                "--option",
                "seed=1",
                "--force");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err())
                .contains("GEPA trial 1: 20.0 (best 20.0), 5 metric calls of 20")
                .contains("(best 80.0)");
        assertThat(ProgramState.reader()
                        .read(dir.resolve("o.json"))
                        .predictors()
                        .get("self")
                        .instructions())
                .isEqualTo("Always answer dog.");

        var bad = optimize(
                "--optimizer", "gepa", "--option", "max_metric_calls=20", "--option", "use_merge=maybe", "--force");
        assertThat(bad.err()).contains("--option use_merge=maybe: expected true or false");
    }
}
