package dev.dspy4j.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.evaluate.ScoreWithFeedback;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.optimize.Budget;
import dev.dspy4j.optimize.GEPA;
import dev.dspy4j.optimize.MIPROv2;
import dev.dspy4j.signature.Example;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's MIPROv2 and GEPA calls, kept compiling and running. The differences from the
 * README: scripted LMs (the task LM answers "4" only when its instructions say "sum"), the trial log
 * in a temporary directory, a small budget.
 */
class ReadmeMiproGepaTest {

    @TempDir
    Path dir;

    @Test
    void readmeMiproAndGepaCallsRun() {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    String system = r.prompt().messages().get(0).parts().toString();
                    return List.of("[[ ## answer ## ]]\n" + (system.contains("sum") ? "4" : "?")
                            + "\n\n[[ ## completed ## ]]");
                })
                .build();
        ScriptedLm strongLm = ScriptedLm.builder()
                .respond(r ->
                        List.of("[[ ## description ## ]]\nsums\n\n[[ ## proposed_instruction ## ]]\nGive the sum.\n\n"
                                + "[[ ## new_instruction ## ]]\nGive the sum.\n\n[[ ## completed ## ]]"))
                .build();
        Module program = Predict.of("question -> answer").withLm(lm);
        List<Example> trainset = new ArrayList<>();
        for (int i = 0; i < 6; i++)
            trainset.add(Example.of("question", "2+2 #" + i, "answer", "4").withInputs("question"));
        List<Example> valset = trainset;
        Metric metric = Metrics.exactMatch();
        Path log = dir.resolve("mipro-trials.json");

        // --- README: begin ---
        Module mipro = MIPROv2.builder(metric)
                .promptModel(strongLm)
                .auto(Budget.Auto.LIGHT)
                .threads(8)
                .trialLog(log)
                .build()
                .compile(program, trainset, valset);

        Metric withFeedback =
                Metric.withTrace((gold, pred, trace) -> gold.getString("answer").equals(pred.getString("answer"))
                        ? ScoreWithFeedback.of(1, "Correct.")
                        : ScoreWithFeedback.of(0, "Expected " + gold.getString("answer") + "."));
        Module gepa = GEPA.builder(withFeedback)
                .reflectionLm(strongLm)
                .maxMetricCalls(40)
                .listener(p -> System.err.println(p.line()))
                .build()
                .compile(program, trainset, valset);
        // --- README: end ---

        assertThat(Files.exists(log)).isTrue();
        assertThat(mipro.predictors().get("self").signature().instructions()).isEqualTo("Give the sum.");
        assertThat(gepa.predictors().get("self").signature().instructions()).isEqualTo("Give the sum.");
        assertThat(((Predict) program).signature().instructions()).doesNotContain("sum");
    }
}
