package dev.dspy4j.optimize;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Chat;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptimizerRunTest {

    @TempDir
    Path dir;

    private static final List<Example> DEV = IntStream.range(0, 4)
            .mapToObj(i -> Example.of("question", "q" + i, "answer", "a" + i).withInputs("question"))
            .toList();

    /** Right on q0..q(k-1) only. */
    private static Module program(int k) {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    int i = Integer.parseInt(Chat.input(r, "question").substring(1));
                    return List.of(answer("answer", i < k ? "a" + i : "wrong"));
                })
                .build();
        return Predict.of("question -> answer").withLm(lm);
    }

    @Test
    void trialsKeepTheBestCountCostsReportProgressAndWriteTheLog() throws Exception {
        List<OptimizerProgress> seen = new ArrayList<>();
        Path log = dir.resolve("trials.json");
        OptimizerRun run = OptimizerRun.start(
                "Test", Metrics.exactMatch(), new RunSettings(Budget.metricCalls(100), 2, seen::add, log, null));
        for (int k : new int[] {1, 3, 3, 2}) {
            Module p = program(k);
            run.trial("k=" + k, OptimizerRun.describe(p), run.evaluate(p, DEV).score(), p);
        }
        Module best = run.finish(null);
        assertThat(run.bestScore()).isEqualTo(75.0);
        assertThat(run.trials()).extracting(Trial::bestSoFar).containsExactly(25.0, 75.0, 75.0, 75.0);
        assertThat(best).isSameAs(run.best());
        assertThat(run.trials().get(1).label()).isEqualTo("k=3"); // ties keep the earlier candidate
        assertThat(run.metricCalls()).isEqualTo(16);
        assertThat(run.cost().lmCalls()).isEqualTo(16);
        assertThat(run.cost().promptTokens()).isEqualTo(160); // ScriptedLm reports 10 + 5 tokens per call
        assertThat(seen).extracting(OptimizerProgress::trials).containsExactly(1, 2, 3, 4);
        assertThat(seen.get(3).line()).isEqualTo("Test trial 4: 50.0 (best 75.0), 16 metric calls of 100, 16 LM calls");

        JsonNode doc = new ObjectMapper().readTree(log.toFile());
        assertThat(doc.get("optimizer").asText()).isEqualTo("Test");
        assertThat(doc.get("status").asText()).isEqualTo("finished");
        assertThat(doc.get("budget").get("max_metric_calls").asInt()).isEqualTo(100);
        assertThat(doc.get("best_trial").asInt()).isEqualTo(2);
        assertThat(doc.get("lm_calls").asInt()).isEqualTo(16);
        assertThat(doc.get("trials")).hasSize(4);
        JsonNode t = doc.get("trials").get(1);
        assertThat(t.get("label").asText()).isEqualTo("k=3");
        assertThat(t.get("score").asDouble()).isEqualTo(75.0);
        assertThat(t.get("examples").asInt()).isEqualTo(4);
        assertThat(t.get("lm_calls").asInt()).isEqualTo(4);
        assertThat(t.get("completion_tokens").asInt()).isEqualTo(20);
        assertThat(t.get("candidate").get("self").get("demos").asInt()).isEqualTo(0);
    }

    @Test
    void theMetricCallBudgetRefusesAnEvaluationThatWouldNotFit() {
        OptimizerRun run = OptimizerRun.start(
                "Test", Metrics.exactMatch(), new RunSettings(Budget.metricCalls(6), 1, null, null, null));
        Module p = program(2);
        run.trial("first", OptimizerRun.describe(p), run.evaluate(p, DEV).score(), p);
        assertThat(run.remainingMetricCalls()).isEqualTo(2);
        assertThatThrownBy(() -> run.evaluate(p, DEV))
                .isInstanceOf(OptimizationStopped.class)
                .extracting(e -> ((OptimizationStopped) e).reason())
                .isEqualTo("budget");
        assertThat(run.evaluate(p, DEV.subList(0, 2)).score()).isEqualTo(100.0);
        assertThat(run.metricCalls()).isEqualTo(6);
    }

    @Test
    void anExceptionOutOfTheRunLeavesALogThatSaysFailedWithTheTrialsSoFar() throws Exception {
        Path log = dir.resolve("failed.json");
        OptimizerRun run = OptimizerRun.start(
                "Test", Metrics.exactMatch(), new RunSettings(Budget.unlimited(), 1, null, log, null));
        Module p = program(2);
        run.trial("first", OptimizerRun.describe(p), run.evaluate(p, DEV).score(), p);
        IllegalStateException boom = new IllegalStateException("proposal LM down");
        assertThatThrownBy(() -> run.traced(() -> run.traced(() -> {
                    throw boom;
                })))
                .isSameAs(boom);

        JsonNode doc = new ObjectMapper().readTree(log.toFile());
        assertThat(doc.get("status").asText()).isEqualTo("failed");
        assertThat(doc.get("error").asText()).isEqualTo("java.lang.IllegalStateException: proposal LM down");
        assertThat(doc.get("trials")).hasSize(1);
        assertThat(doc.get("best_trial").asInt()).isEqualTo(1);
        assertThat(dir.resolve("failed.json.tmp")).doesNotExist();
    }

    @Test
    void theTrialLimitTheStopSignalAndAnInterruptEndTheRun() {
        OptimizerRun limited = OptimizerRun.start(
                "Test", Metrics.exactMatch(), new RunSettings(Budget.trials(1), 1, null, null, null));
        Module p = program(1);
        limited.trial("one", OptimizerRun.describe(p), limited.evaluate(p, DEV).score(), p);
        assertThatThrownBy(() -> limited.evaluate(p, DEV)).isInstanceOf(OptimizationStopped.class);

        StopSignal stop = new StopSignal();
        OptimizerRun stoppable = OptimizerRun.start(
                "Test", Metrics.exactMatch(), new RunSettings(Budget.unlimited(), 1, null, null, stop));
        stoppable.evaluate(p, DEV);
        stop.stop();
        assertThatThrownBy(() -> stoppable.evaluate(p, DEV))
                .isInstanceOf(OptimizationStopped.class)
                .extracting(e -> ((OptimizationStopped) e).reason())
                .isEqualTo("stopped");
        assertThat(stoppable.finish(p)).isSameAs(p); // no trial: the fallback

        OptimizerRun interrupted = OptimizerRun.start("Test", Metrics.exactMatch(), RunSettings.defaults());
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> interrupted.evaluate(p, DEV))
                    .isInstanceOf(OptimizationStopped.class)
                    .extracting(e -> ((OptimizationStopped) e).reason())
                    .isEqualTo("interrupted");
        } finally {
            assertThat(Thread.interrupted()).isTrue(); // the flag stays set for the caller
        }
    }

    @Test
    void autoPresetsFollowDspyAndParseByName() {
        assertThat(Budget.Auto.parse("Light").candidates()).isEqualTo(6);
        assertThat(Budget.Auto.MEDIUM.valSize()).isEqualTo(300);
        assertThat(Budget.Auto.HEAVY.candidates()).isEqualTo(18);
        assertThatThrownBy(() -> Budget.Auto.parse("huge")).hasMessageContaining("light, medium or heavy");
        assertThatThrownBy(() -> Budget.metricCalls(0)).hasMessageContaining("maxMetricCalls must be at least 1");
    }
}
