package dev.dspy4j.optimize;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Chat;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class COPROTest {

    private static final List<Example> TRAIN = RuleTask.examples(0, 3);
    private static final List<Example> DEV = RuleTask.examples(3, 3);

    private static String system(LmRequest r) {
        Message m = r.prompt().messages().get(0);
        return Chat.text(m);
    }

    /**
     * The task LM knows every kind when its instructions say "uppercase", and colors and animals
     * when they say "kind".
     */
    private static ScriptedLm taskLm() {
        return RuleTask.lm(r -> {
            String s = system(r);
            String kind = Chat.input(r, "question").split(":", 2)[0];
            return s.contains("uppercase") || (s.contains("kind") && (kind.equals("color") || kind.equals("animal")));
        });
    }

    /**
     * The prompt model: its first proposals are vague except one that mentions the kind; shown
     * attempts where "kind" scored above 0, it proposes the uppercase rule.
     */
    private static ScriptedLm promptLm() {
        return ScriptedLm.builder()
                .respond(r -> {
                    String user = Chat.lastUser(r);
                    if (user.contains("[[ ## attempted_instructions ## ]]\n")) {
                        String attempts = Chat.input(r, "attempted_instructions");
                        boolean kindHelped = attempts.matches("(?s).*kind[^\\n]*\\nScore #\\d+: [1-9].*");
                        return List.of(
                                answer(
                                        "proposed_instruction",
                                        kindHelped
                                                ? "Write the kind in uppercase, a dash, then the item."
                                                : "Try harder."),
                                answer("proposed_instruction", "\"Be concise.\""));
                    }
                    return List.of(
                            answer("proposed_instruction", "Answer well."),
                            answer("proposed_instruction", "Name the kind of thing first."),
                            answer("proposed_instruction", "Answer well."));
                })
                .build();
    }

    private static double score(Module p, List<Example> set) {
        return Evaluate.builder(set, Metrics.exactMatch()).build().run(p).score();
    }

    @Test
    void coordinateAscentFindsTheInstructionThatTheRoundsBuildUpTo() {
        ScriptedLm task = taskLm();
        ScriptedLm prompt = promptLm();
        Module student = Predict.of("question -> answer")
                .withInstructions("Answer the question.")
                .withLm(task);
        List<OptimizerProgress> progress = new ArrayList<>();

        Module best = COPRO.builder(Metrics.exactMatch())
                .promptModel(prompt)
                .breadth(4)
                .depth(3)
                .threads(2)
                .listener(progress::add)
                .build()
                .compile(student, TRAIN);
        int taskCalls = task.requests().size();

        double before = score(student, DEV);
        double after = score(best, DEV);
        long metricCalls = progress.get(progress.size() - 1).metricCalls();
        System.out.printf(
                "FIGURE COPRO: dev score %.1f -> %.1f, %d task LM calls, %d prompt LM calls, %d metric calls%n",
                before, after, taskCalls, prompt.requests().size(), metricCalls);
        assertThat(before).isEqualTo(0.0);
        assertThat(after).isEqualTo(100.0);
        assertThat(best.predictors().get("self").signature().instructions())
                .isEqualTo("Write the kind in uppercase, a dash, then the item.");
        assertThat(student.predictors().get("self").signature().instructions()).isEqualTo("Answer the question.");
        // round 1: the 2 distinct proposals and the original; round 2: the two new ones; round 3 proposes
        // nothing new, and a program already scored is not scored again
        assertThat(progress)
                .extracting(p -> p.last().label())
                .containsExactly(
                        "depth 1, self, candidate 1",
                        "depth 1, self, candidate 2",
                        "depth 1, self, candidate 3",
                        "depth 2, self, candidate 1",
                        "depth 2, self, candidate 2");
        assertThat(progress).extracting(p -> p.last().score()).containsExactly(0.0, 50.0, 0.0, 100.0, 0.0);
        // each task LM call is one training example scored; the prompt model ran once per round
        assertThat(taskCalls).isEqualTo((int) metricCalls).isEqualTo(5 * TRAIN.size());
        assertThat(prompt.requests()).hasSize(3);
        assertThat(prompt.requests().get(0).n()).isEqualTo(3);
        assertThat(prompt.requests().get(1).n()).isEqualTo(4);
    }

    @Test
    void aTrialBudgetStopsTheAscentWithTheBestSoFar() {
        ScriptedLm task = taskLm();
        Module best = COPRO.builder(Metrics.exactMatch())
                .promptModel(promptLm())
                .breadth(4)
                .depth(3)
                .maxTrials(2)
                .build()
                .compile(Predict.of("question -> answer").withLm(task), TRAIN);
        assertThat(task.requests()).hasSize(2 * TRAIN.size());
        assertThat(best.predictors().get("self").signature().instructions()).isEqualTo("Name the kind of thing first.");
    }

    record TwoStep(ChainOfThought draft, Predict answer) implements Module {
        @Override
        public Prediction call(Map<String, ?> in) {
            String notes = draft.call(in).getString("notes");
            return answer.call(Map.of("question", in.get("question"), "notes", notes));
        }
    }

    @Test
    void everyPredictorOfAProgramIsOptimizedAgainstTheOthersBest() {
        // the answer step is right when its instructions say "uppercase" and the draft's say "kind"
        ScriptedLm task = ScriptedLm.builder()
                .respond(r -> {
                    if (!Chat.lastUser(r).contains("[[ ## notes ## ]]\n")) {
                        return List.of(
                                answer("reasoning", "r", "notes", system(r).contains("kind") ? "by kind" : "none"));
                    }
                    String q = Chat.input(r, "question");
                    boolean right = system(r).contains("uppercase")
                            && Chat.input(r, "notes").equals("by kind");
                    String kind = q.substring(0, q.indexOf(':'));
                    return List.of(answer(
                            "answer",
                            right
                                    ? kind.toUpperCase(java.util.Locale.ROOT) + "-" + q.substring(q.indexOf(':') + 2)
                                    : "unknown"));
                })
                .build();
        ScriptedLm prompt = ScriptedLm.builder()
                .respond(r -> List.of(
                        answer("proposed_instruction", "Sort by kind."),
                        answer("proposed_instruction", "Answer in uppercase.")))
                .build();
        Module student = new TwoStep(ChainOfThought.of("question -> notes"), Predict.of("question, notes -> answer"))
                .withLm(task);
        Module best = COPRO.builder(Metrics.exactMatch())
                .promptModel(prompt)
                .breadth(3)
                .depth(2)
                .build()
                .compile(student, TRAIN);
        assertThat(score(student, DEV)).isEqualTo(0.0);
        assertThat(score(best, DEV)).isEqualTo(100.0);
        assertThat(best.predictors().get("draft.predict").signature().instructions())
                .isEqualTo("Sort by kind.");
        assertThat(best.predictors().get("answer.self").signature().instructions())
                .isEqualTo("Answer in uppercase.");
    }

    @Test
    void isDeterministicForTheSameLmAnswers() {
        List<Double> first = new ArrayList<>();
        List<Double> second = new ArrayList<>();
        Module a = COPRO.builder(Metrics.exactMatch())
                .promptModel(promptLm())
                .breadth(4)
                .depth(3)
                .threads(1)
                .listener(p -> first.add(p.last().score()))
                .build()
                .compile(Predict.of("question -> answer").withLm(taskLm()), TRAIN);
        Module b = COPRO.builder(Metrics.exactMatch())
                .promptModel(promptLm())
                .breadth(4)
                .depth(3)
                .threads(4)
                .listener(p -> second.add(p.last().score()))
                .build()
                .compile(Predict.of("question -> answer").withLm(taskLm()), TRAIN);
        assertThat(second).isEqualTo(first);
        assertThat(b.predictors().get("self").signature())
                .isEqualTo(a.predictors().get("self").signature());
    }
}
