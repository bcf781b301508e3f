package dev.dspy4j.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.cache.TieredCache;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.optimize.BootstrapFewShotWithRandomSearch;
import dev.dspy4j.signature.Example;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's two-step program, optimized, saved and loaded, kept here so it keeps working. The
 * differences from the README: the LM points at a loopback server and the files go to a temporary
 * directory.
 */
class ReadmeOptimizeTest {

    // --- README: begin ---
    record Answer(ChainOfThought draft, Predict answer) implements Module {
        Answer() {
            this(ChainOfThought.of("question -> notes"), Predict.of("question, notes -> answer"));
        }

        @Override
        public Prediction call(Map<String, ?> in) {
            String notes = draft.call(in).getString("notes");
            return answer.call(Map.of("question", in.get("question"), "notes", notes));
        }
    }
    // --- README: end ---

    @TempDir
    Path dir;

    @Test
    void readmeOptimizeExampleRuns() {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                        .respond(r -> {
                            String body = r.bodyText();
                            if (body.contains("reasoning")) {
                                return "[[ ## reasoning ## ]]\nthink\n\n[[ ## notes ## ]]\nsome notes\n\n[[ ## completed ## ]]";
                            }
                            // the answer step is right only when shown demos
                            String current = body.substring(body.lastIndexOf("[[ ## question ## ]]"));
                            String right = current.contains("2+2") ? "4" : "6";
                            return LoopbackChatServer.chatAnswer(
                                    "answer", body.contains("\"assistant\"") ? right : "?");
                        })
                        .keepBodies(true)
                        .start();
                TieredCache cache = TieredCache.open(dir.resolve("cache"))) {
            var lm = OpenAiChat.builder()
                    .model("gpt-4o-mini")
                    .apiKey("unused")
                    .baseUrl(server.baseUrl())
                    .cache(cache)
                    .build();
            Path file = dir.resolve("answer.json");
            List<Example> trainset = List.of(
                    Example.of("question", "2+2", "answer", "4").withInputs("question"),
                    Example.of("question", "3+3", "answer", "6").withInputs("question"));

            // --- README: begin ---
            Module program = new Answer().withLm(lm);
            System.out.println(program.predictors().keySet()); // [draft.predict, answer.self]

            var optimizer = BootstrapFewShotWithRandomSearch.builder(Metrics.exactMatch())
                    .maxBootstrappedDemos(2)
                    .numCandidatePrograms(4)
                    .threads(4)
                    .maxMetricCalls(500) // or .auto(Budget.Auto.LIGHT), .maxTrials(n)
                    .listener(p -> System.err.println(p.line())) // score, best so far, metric and LM calls
                    .trialLog(dir.resolve("trials.json")) // each candidate, score, LM calls, tokens
                    .build();
            Module optimized = optimizer.compile(program, trainset);
            ProgramState.save(optimized, file);
            Module loaded = ProgramState.load(new Answer().withLm(lm), file);
            // --- README: end ---

            assertThat(program.predictors().keySet()).containsExactly("draft.predict", "answer.self");
            assertThat(optimized).isInstanceOf(Answer.class);
            assertThat(optimized.predictors().get("draft.predict").demos()).isNotEmpty();
            assertThat(optimized.predictors().get("answer.self").demos()).isNotEmpty();
            assertThat(dir.resolve("trials.json")).isNotEmptyFile();
            for (String name : List.of("draft.predict", "answer.self")) {
                assertThat(loaded.predictors().get(name).demos())
                        .isEqualTo(optimized.predictors().get(name).demos());
            }
            var in = Map.of("question", "3+3");
            assertThat(loaded.predictors().get("draft.predict").format(in))
                    .isEqualTo(optimized.predictors().get("draft.predict").format(in));
            assertThat(loaded.call(in).getString("answer")).isEqualTo("6");
        }
    }
}
