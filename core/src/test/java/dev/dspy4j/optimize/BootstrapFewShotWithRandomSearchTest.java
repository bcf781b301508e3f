package dev.dspy4j.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapFewShotWithRandomSearchTest {

    @TempDir
    Path dir;

    private static final List<Example> TRAIN = RuleTask.examples(0, 3);
    private static final List<Example> DEV = RuleTask.examples(3, 3);

    private static double devScore(Module program) {
        return Evaluate.builder(DEV, Metrics.exactMatch()).build().run(program).score();
    }

    private static BootstrapFewShotWithRandomSearch.Builder optimizer() {
        // room for two demos: a candidate can cover at most two of the four kinds
        return BootstrapFewShotWithRandomSearch.builder(Metrics.exactMatch())
                .maxBootstrappedDemos(2)
                .maxLabeledDemos(2)
                .numCandidatePrograms(6)
                .valset(DEV)
                .threads(3);
    }

    @Test
    void findsABetterDemoSetThanTheStudentsAndKeepsTheFirstBest() throws Exception {
        ScriptedLm lm = RuleTask.lm();
        Module student = Predict.of("question -> answer").withLm(lm);
        Path log = dir.resolve("trials.json");
        List<OptimizerProgress> progress = new ArrayList<>();

        Module best = optimizer().trialLog(log).listener(progress::add).build().compile(student, TRAIN);
        int lmCalls = lm.requests().size();

        double before = devScore(student);
        double after = devScore(best);
        System.out.printf(
                "FIGURE %s: dev score %.1f -> %.1f, %d LM calls, %d metric calls%n",
                BootstrapFewShotWithRandomSearch.NAME, before, after, lmCalls, 9 * DEV.size());
        assertThat(before).isEqualTo(0.0);
        assertThat(after).isGreaterThan(before).isEqualTo(50.0); // two demos of different kinds: 2 of 4 kinds
        assertThat(student.predictors().get("self").demos()).isEmpty();
        assertThat(best).isNotSameAs(student);

        JsonNode doc = new ObjectMapper().readTree(log.toFile());
        JsonNode trials = doc.get("trials");
        assertThat(trials).hasSize(9);
        assertThat(trials.get(0).get("label").asText()).isEqualTo("zero-shot");
        assertThat(trials.get(1).get("label").asText()).isEqualTo("labeled only");
        assertThat(trials.get(2).get("label").asText()).isEqualTo("bootstrap, unshuffled");
        assertThat(trials.get(3).get("label").asText()).isEqualTo("bootstrap, shuffled #0");
        assertThat(trials.get(0).get("score").asDouble()).isEqualTo(0.0);
        double max = 0;
        int firstBest = 0;
        for (JsonNode t : trials) {
            if (t.get("score").asDouble() > max) {
                max = t.get("score").asDouble();
                firstBest = t.get("trial").asInt();
            }
        }
        assertThat(doc.get("best_score").asDouble()).isEqualTo(max).isEqualTo(after);
        assertThat(doc.get("best_trial").asInt()).isEqualTo(firstBest);
        assertThat(doc.get("metric_calls").asInt()).isEqualTo(9 * DEV.size());
        assertThat(progress).hasSize(9);
        // every LM call is counted: scoring (9 x 12) plus teacher runs while bootstrapping (at most 7 x 12)
        assertThat(doc.get("lm_calls").asLong()).isEqualTo(lmCalls);
        assertThat(lmCalls).isBetween(9 * DEV.size(), 9 * DEV.size() + 7 * TRAIN.size());
    }

    @Test
    void isDeterministicForASeedWhateverTheThreads() {
        Module a = optimizer()
                .threads(1)
                .seed(7)
                .build()
                .compile(Predict.of("question -> answer").withLm(RuleTask.lm()), TRAIN);
        Module b = optimizer()
                .threads(4)
                .seed(7)
                .build()
                .compile(Predict.of("question -> answer").withLm(RuleTask.lm()), TRAIN);
        assertThat(b.predictors().get("self").demos())
                .isEqualTo(a.predictors().get("self").demos());
    }

    @Test
    void aMetricCallBudgetStopsTheSearchAndTheLmCallsStayWithinIt() {
        ScriptedLm lm = RuleTask.lm();
        Module student = Predict.of("question -> answer").withLm(lm);
        int budget = 4 * DEV.size() + 5; // room for four candidates, not five
        List<OptimizerProgress> progress = new ArrayList<>();
        Module best = optimizer()
                .maxMetricCalls(budget)
                .listener(progress::add)
                .build()
                .compile(student, TRAIN);
        assertThat(progress).hasSize(4);
        assertThat(progress.get(3).metricCalls()).isLessThanOrEqualTo(budget);
        assertThat(lm.requests().size()).isLessThanOrEqualTo(4 * DEV.size() + 2 * TRAIN.size());
        assertThat(devScore(best)).isGreaterThan(devScore(student));
    }

    @Test
    void aStopSignalEndsTheSearchWithTheBestSoFar() {
        StopSignal stop = new StopSignal();
        List<OptimizerProgress> progress = new ArrayList<>();
        Module best = optimizer()
                .stopSignal(stop)
                .listener(p -> {
                    progress.add(p);
                    if (p.trials() == 2) stop.stop();
                })
                .build()
                .compile(Predict.of("question -> answer").withLm(RuleTask.lm()), TRAIN);
        assertThat(progress).hasSize(2);
        assertThat(best.predictors().get("self").demos()).hasSize(2); // labeled-only beat zero-shot
    }
}
