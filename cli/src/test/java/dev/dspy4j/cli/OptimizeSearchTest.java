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

/** The searching optimizers from the command line: random_search and copro, with budget, progress and trial log. */
class OptimizeSearchTest {
    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private Path prog;

    @BeforeEach
    void setUp() throws IOException {
        // the task answers "cat" unless its instructions say "dog"; the proposer suggests saying dog
        server = LoopbackChatServer.builder()
                .respond(r -> {
                    String body = r.bodyText();
                    if (body.contains("proposed_instruction")) {
                        return LoopbackChatServer.chatAnswer("proposed_instruction", "Always answer dog.");
                    }
                    return LoopbackChatServer.chatAnswer("answer", body.contains("Always answer dog.") ? "dog" : "cat");
                })
                .keepBodies(true)
                .start();
        Files.writeString(dir.resolve("train.jsonl"), """
                {"question": "Which?", "answer": "dog"}
                {"question": "And?", "answer": "dog"}
                {"question": "Or?", "answer": "cat"}
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
    void coproImprovesTheInstructionsAndReportsEachTrial() throws IOException {
        Path log = dir.resolve("trials.json");
        var r = optimize(
                "--optimizer", "copro", "--option", "breadth=2", "--option", "depth=1", "--option", "trial_log=" + log);
        assertThat(r.exit()).as(r.err()).isZero();
        // 4 LM calls: the proposer once, then the three rows
        assertThat(r.err())
                .contains("COPRO trial 1: 66.7 (best 66.7), 3 metric calls, 4 LM calls")
                .contains("COPRO trial 2: 33.3 (best 66.7)");
        assertThat(ProgramState.reader()
                        .read(dir.resolve("o.json"))
                        .predictors()
                        .get("self")
                        .instructions())
                .isEqualTo("Always answer dog.");
        JsonNode doc = new ObjectMapper().readTree(log.toFile());
        assertThat(doc.get("optimizer").asText()).isEqualTo("COPRO");
        assertThat(doc.get("trials")).hasSize(2);
    }

    @Test
    void randomSearchHonoursItsTrialBudgetAndAutoIsChecked() {
        var r = optimize("--optimizer", "random_search", "--option", "max_trials=2", "--option", "max_labeled_demos=1");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err())
                .contains("BootstrapFewShotWithRandomSearch trial 2/2:")
                .doesNotContain("trial 3");

        var bad = optimize("--optimizer", "random_search", "--option", "auto=huge", "--force");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err())
                .contains("--optimizer random_search: auto budget must be light, medium or heavy, not 'huge'");
        var unknown = optimize("--optimizer", "copro", "--option", "width=3", "--force");
        assertThat(unknown.err()).contains("optimizer 'copro' has no option 'width'; it takes auto, breadth, depth");
    }
}
