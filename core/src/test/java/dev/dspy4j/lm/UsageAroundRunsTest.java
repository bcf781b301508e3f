package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.module.Parallel;
import dev.dspy4j.module.Predict;
import dev.dspy4j.optimize.BootstrapFewShot;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.Test;

/** A usage scope around an optimizer run, and Parallel/Evaluate on an executor the caller gives. */
class UsageAroundRunsTest {
    private static final String ANSWER = "[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]";

    private static List<Example> train(int n) {
        List<Example> list = new ArrayList<>();
        for (int i = 0; i < n; i++)
            list.add(Example.of("question", "q" + i, "answer", "4").withInputs("question"));
        return list;
    }

    @Test
    void aScopeAroundBootstrapFewShotCountsEveryTeacherCall() {
        ScriptedLm lm = ScriptedLm.builder()
                .model("gpt-4o-mini")
                .respond(r -> List.of(ANSWER))
                .build();
        Predict student = Predict.of("question -> answer").withLm(lm);
        try (UsageScope usage = UsageScope.open()) {
            BootstrapFewShot.builder(Metrics.exactMatch())
                    .maxBootstrappedDemos(2)
                    .maxLabeledDemos(0)
                    .threads(3)
                    .build()
                    .compile(student, train(6));
            // every call the optimizer made reached ScriptedLm (no cache): the scope saw each of them
            assertThat(usage.summary().calls()).isEqualTo(lm.requests().size()).isPositive();
            assertThat(usage.summary().usage().promptTokens())
                    .isEqualTo(10L * lm.requests().size());
        }
    }

    @Test
    void parallelAndEvaluateRunOnTheGivenExecutorAndLeaveItOpen() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        ScriptedLm lm = ScriptedLm.builder()
                .model("m")
                .respond(r -> {
                    threads.add(Thread.currentThread().getName());
                    return List.of(ANSWER);
                })
                .build();
        Predict qa = Predict.of("question -> answer").withLm(lm);
        ExecutorService ex = CallExecutors.newPerTaskExecutor("given");
        try {
            Parallel.Result<?> r =
                    Parallel.builder().threads(3).executor(ex).build().run(qa, train(6));
            assertThat(r.outcomes())
                    .hasSize(6)
                    .allSatisfy(o -> assertThat(o.ok()).isTrue());
            double score = Evaluate.builder(train(4), Metrics.exactMatch())
                    .threads(2)
                    .executor(ex)
                    .build()
                    .run(qa)
                    .score();
            assertThat(score).isEqualTo(100.0);
            assertThat(ex.isShutdown()).isFalse();
            if (!CallExecutors.virtualThreadsAvailable()) {
                assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("given-"));
            }
        } finally {
            ex.shutdown();
        }
    }
}
