package dev.dspy4j.optimize;

import static dev.dspy4j.module.Chat.answer;
import static dev.dspy4j.optimize.ReverseTask.devScore;
import static dev.dspy4j.optimize.ReverseTask.reversed;
import static dev.dspy4j.optimize.ReverseTask.system;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.evaluate.ScoreWithFeedback;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Chat;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.module.Trace;
import dev.dspy4j.signature.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GEPATest {

    private static final List<Example> TRAIN = ReverseTask.examples(0, 8);
    private static final List<Example> VAL = ReverseTask.examples(100, 8);

    /** Feedback that names the rule when the answer is wrong. */
    private static final Metric FEEDBACK = Metric.withTrace((gold, pred, trace) -> {
        boolean ok = gold.getString("answer").equals(pred.getString("answer"));
        return ok
                ? ScoreWithFeedback.of(1, "Correct.")
                : ScoreWithFeedback.of(
                        0,
                        "Wrong: the expected answer is '" + gold.getString("answer")
                                + "', the word written backwards.");
    });

    /** Writes an instruction with the key word only when the feedback it is shown names the rule. */
    private static ScriptedLm reflector() {
        return ScriptedLm.builder()
                .respond(r -> {
                    String user = Chat.lastUser(r);
                    String text;
                    if (user.contains("uppercase letters")) text = "Write the word in uppercase.";
                    else if (user.contains("backwards")) text = "Reverse the text: write it backwards.";
                    else text = "Do the task well.";
                    return List.of(answer("new_instruction", text));
                })
                .build();
    }

    @Test
    void aReflectionLmThatFailsEndsTheRunWithItsErrorAndALogThatSaysFailed(@TempDir Path dir) throws Exception {
        ScriptedLm down = ScriptedLm.builder()
                .respond(r -> {
                    throw new IllegalStateException("reflection LM down");
                })
                .build();
        Predict student = Predict.of("word -> answer").withLm(ReverseTask.taskLm());
        Path log = dir.resolve("gepa.json");

        assertThatThrownBy(() -> GEPA.builder(FEEDBACK)
                        .reflectionLm(down)
                        .maxMetricCalls(40)
                        .trialLog(log)
                        .seed(1)
                        .build()
                        .compile(student, TRAIN, VAL))
                .hasStackTraceContaining("reflection LM down");

        JsonNode doc = new ObjectMapper().readTree(log.toFile());
        assertThat(doc.get("status").asText()).isEqualTo("failed");
        assertThat(doc.get("error").asText()).isNotBlank();
        assertThat(doc.get("trials")).isNotEmpty(); // the seed's full evaluation came before the reflection
        assertThat(student.signature().instructions()).doesNotContain("Reverse");
    }

    @Test
    void reflectingOnFeedbackRaisesTheDevScoreWithinTheMetricCallBudget(@TempDir Path dir) throws Exception {
        ScriptedLm task = ReverseTask.taskLm();
        ScriptedLm reflection = reflector();
        Predict student = Predict.of("word -> answer").withLm(task);
        Path log = dir.resolve("gepa.json");

        Module best = GEPA.builder(FEEDBACK)
                .reflectionLm(reflection)
                .maxMetricCalls(40)
                .trialLog(log)
                .seed(1)
                .build()
                .compile(student, TRAIN, VAL);
        int taskCalls = task.requests().size();

        assertThat(devScore(student, VAL)).isZero();
        assertThat(devScore(best, VAL)).isEqualTo(100.0);
        assertThat(best.predictors().get("self").signature().instructions())
                .isEqualTo("Reverse the text: write it backwards.");
        assertThat(student.signature().instructions()).doesNotContain("Reverse");
        // seed (8) + the step that found it: parent minibatch (3), child minibatch (3), full evaluation
        // (8) = 22; then two steps whose parent was perfect on its minibatch (3 each, skipped) = 28; the
        // next step's worst case (3 + 3 + 8) does not fit in the 12 left
        JsonNode doc = new ObjectMapper().readTree(log.toFile());
        assertThat(doc.get("metric_calls").asInt()).isEqualTo(28).isLessThanOrEqualTo(40);
        assertThat(doc.get("status").asText()).isEqualTo("budget");
        assertThat(taskCalls).isEqualTo(28);
        assertThat(reflection.requests()).hasSize(1);
        // the reflection LM saw the predictor's inputs, outputs and the feedback
        String shown = Chat.lastUser(reflection.requests().get(0));
        assertThat(shown)
                .contains("Inputs:\nword: ")
                .contains("Outputs:\nanswer: ")
                .contains("Feedback: Wrong: the expected answer is");
        assertThat(doc.get("trials")).hasSize(3); // seed, the child's minibatch, the child's full evaluation
    }

    @Test
    void aStopSignalEndsTheRunAfterTheCurrentStepAndTheBestSoFarIsReturned(@TempDir Path dir) throws Exception {
        ScriptedLm task = ReverseTask.taskLm();
        StopSignal stop = new StopSignal();
        Path log = dir.resolve("gepa.json");
        // stop as soon as the seed is scored: no step runs
        Module best = GEPA.builder(FEEDBACK)
                .reflectionLm(reflector())
                .maxMetricCalls(400)
                .stopSignal(stop)
                .listener(p -> stop.stop())
                .trialLog(log)
                .build()
                .compile(Predict.of("word -> answer").withLm(task), TRAIN, VAL);
        assertThat(best.predictors().get("self").signature().instructions()).doesNotContain("Reverse");
        assertThat(task.requests()).hasSize(VAL.size());
        assertThat(new ObjectMapper().readTree(log.toFile()).get("status").asText())
                .isEqualTo("stopped");
    }

    @Test
    void withoutFeedbackTheReflectionLmLearnsNothingAndTheSeedIsReturned() {
        ScriptedLm task = ReverseTask.taskLm();
        Predict student = Predict.of("word -> answer").withLm(task);
        Module best = GEPA.builder(ReverseTask.metric())
                .reflectionLm(reflector())
                .maxMetricCalls(60)
                .build()
                .compile(student, TRAIN, VAL);
        assertThat(best.predictors().get("self").signature().instructions())
                .isEqualTo(student.signature().instructions());
        assertThat(task.requests().size()).isLessThanOrEqualTo(60);
    }

    /** Two steps: shout writes the word in uppercase, flip writes that backwards. */
    record TwoStep(Predict shout, Predict flip) implements Module {
        @Override
        public Prediction call(Map<String, ?> inputs) {
            String upper = shout.call(Map.of("word", inputs.get("word"))).getString("upper");
            return flip.call(Map.of("upper", upper));
        }
    }

    /** Half a point per step done right, with feedback for the step that went wrong. */
    private static final Metric PER_STEP = Metric.withTrace((gold, pred, trace) -> {
        String word = gold.getString("word");
        String upper = null;
        for (Trace.Step s : trace)
            if (s.outputs().has("upper")) upper = s.outputs().getString("upper");
        boolean shouted = word.toUpperCase(Locale.ROOT).equals(upper);
        boolean flipped = upper != null && reversed(upper).equals(pred.getString("answer"));
        ScoreWithFeedback r = ScoreWithFeedback.of((shouted ? 0.5 : 0) + (flipped ? 0.5 : 0));
        r = r.withPredictorFeedback("shout.self", shouted ? "Correct." : "Wrong: write the word in uppercase letters.");
        return r.withPredictorFeedback("flip.self", flipped ? "Correct." : "Wrong: write the input backwards.");
    });

    private static ScriptedLm twoStepLm() {
        return ScriptedLm.builder()
                .respond(r -> {
                    String sys = system(r).toLowerCase(Locale.ROOT);
                    if (Chat.lastUser(r).contains("[[ ## word ## ]]")) {
                        String w = Chat.input(r, "word");
                        return List.of(answer("upper", sys.contains("uppercase") ? w.toUpperCase(Locale.ROOT) : w));
                    }
                    String u = Chat.input(r, "upper");
                    return List.of(answer("answer", sys.contains("reverse") ? reversed(u) : u));
                })
                .build();
    }

    private static List<Example> twoStepExamples(int from) {
        List<Example> out = new ArrayList<>();
        for (Example e : ReverseTask.examples(from, 8)) {
            String w = e.getString("word");
            out.add(Example.of("word", w, "answer", reversed(w.toUpperCase(Locale.ROOT)))
                    .withInputs("word"));
        }
        return out;
    }

    @Test
    void eachPredictorIsRewrittenInTurnFromItsOwnFeedbackAndTheSearchIsDeterministic() {
        List<Example> train = twoStepExamples(0);
        List<Example> val = twoStepExamples(100);
        List<Module> results = new ArrayList<>();
        List<Integer> calls = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            ScriptedLm lm = twoStepLm();
            TwoStep student = new TwoStep(
                    Predict.of("word -> upper").withLm(lm),
                    Predict.of("upper -> answer").withLm(lm));
            assertThat(student.predictors().keySet()).containsExactly("shout.self", "flip.self");
            List<OptimizerProgress> progress = new ArrayList<>();
            Module best = GEPA.builder(PER_STEP)
                    .reflectionLm(reflector())
                    .maxMetricCalls(50)
                    .seed(7)
                    .listener(progress::add)
                    .build()
                    .compile(student, train, val);
            results.add(best);
            calls.add(lm.requests().size());
            double before = Evaluate.builder(val, PER_STEP).build().run(student).score();
            double after = Evaluate.builder(val, PER_STEP).build().run(best).score();
            assertThat(before).isZero();
            assertThat(after).isEqualTo(100.0);
            // the seed's 8, two steps of 3 + 3 + 8, one skipped step of 3 (a perfect parent): 39 metric
            // calls of 50 (a further step could need 14), 2 LM calls each
            assertThat(progress.get(progress.size() - 1).metricCalls()).isEqualTo(36);
        }
        assertThat(calls).containsExactly(2 * 39, 2 * 39);
        assertThat(results.get(0).predictors().get("shout.self").signature().instructions())
                .isEqualTo("Write the word in uppercase.")
                .isEqualTo(results.get(1)
                        .predictors()
                        .get("shout.self")
                        .signature()
                        .instructions());
        assertThat(results.get(0).predictors().get("flip.self").signature().instructions())
                .isEqualTo("Reverse the text: write it backwards.");
    }

    /**
     * Three kinds of example: kind A scores when shout writes uppercase, kind B when flip reverses,
     * kind C when shout leaves the word as it is. The seed is best on C, a child that learned
     * uppercase is best on A, so both stay on the frontier; a sibling that learned to reverse, from
     * the seed, is best on B and C. Merging the two siblings (uppercase from one, reverse from the
     * other) is best on A and B: the highest mean when A and B outnumber C.
     */
    private static final Metric BY_KIND = Metric.withTrace((gold, pred, trace) -> {
        String word = gold.getString("word");
        String upper = null;
        for (Trace.Step s : trace)
            if (s.outputs().has("upper")) upper = s.outputs().getString("upper");
        boolean shouted = word.toUpperCase(Locale.ROOT).equals(upper);
        boolean flipped = upper != null && reversed(upper).equals(pred.getString("answer"));
        return switch (gold.getString("kind")) {
            case "A" ->
                shouted
                        ? ScoreWithFeedback.of(1, "Correct.")
                        : ScoreWithFeedback.of(0)
                                .withPredictorFeedback("shout.self", "Wrong: write the word in uppercase letters.");
            case "B" ->
                flipped
                        ? ScoreWithFeedback.of(1, "Correct.")
                        : ScoreWithFeedback.of(0)
                                .withPredictorFeedback("flip.self", "Wrong: write the input backwards.");
            default ->
                word.equals(upper)
                        ? ScoreWithFeedback.of(1, "Correct.")
                        : ScoreWithFeedback.of(0).withPredictorFeedback("shout.self", "Wrong: keep the word as it is.");
        };
    });

    private static List<Example> byKind(int from, String kinds) {
        List<Example> out = new ArrayList<>();
        List<Example> words = ReverseTask.examples(from, kinds.length());
        for (int i = 0; i < kinds.length(); i++) {
            out.add(Example.of("word", words.get(i).getString("word"), "kind", String.valueOf(kinds.charAt(i)))
                    .withInputs("word"));
        }
        return out;
    }

    @Test
    void siblingsThatImprovedDifferentPredictorsAreMergedIntoTheBestCandidate(@TempDir Path dir) throws Exception {
        ScriptedLm lm = twoStepLm();
        TwoStep student = new TwoStep(
                Predict.of("word -> upper").withLm(lm),
                Predict.of("upper -> answer").withLm(lm));
        List<Example> train = byKind(0, "ABABCABAB");
        List<Example> val = byKind(100, "AAABBBCC");
        Path log = dir.resolve("gepa.json");
        Module best = GEPA.builder(BY_KIND)
                .reflectionLm(reflector())
                .maxMetricCalls(80)
                .seed(1)
                .trialLog(log)
                .build()
                .compile(student, train, val);

        JsonNode trials = new ObjectMapper().readTree(log.toFile()).get("trials");
        assertThat(best.predictors().get("shout.self").signature().instructions())
                .isEqualTo("Write the word in uppercase.");
        assertThat(best.predictors().get("flip.self").signature().instructions())
                .isEqualTo("Reverse the text: write it backwards.");
        assertThat(Evaluate.builder(val, BY_KIND).build().run(best).score()).isEqualTo(75.0);
        // with this seed: step 1 learns uppercase from the seed (37.5), step 2 learns reverse from the
        // seed (62.5), step 3 merges the two siblings through the seed: 75, the best
        JsonNode merged = null;
        for (JsonNode t : trials) {
            if (t.get("label").asText().equals("step 3: merge of candidates 1 and 2 (ancestor 0)")) merged = t;
        }
        assertThat(merged).isNotNull();
        assertThat(merged.get("candidate").get("parents").toString()).isEqualTo("[1,2]");
        assertThat(merged.get("score").asDouble()).isEqualTo(75.0);
        assertThat(new ObjectMapper().readTree(log.toFile()).get("best_trial").asInt())
                .isEqualTo(merged.get("trial").asInt());
        assertThat(lm.requests().size()).isLessThanOrEqualTo(2 * 80);
    }

    @Test
    void autoBudgetFollowsDspysFormulaAndBadSettingsAreRefused() {
        // light, 1 predictor, 8 validation examples: N = max(4*log2(6), 9) = 10 minibatches of 35,
        // 8 + 6*5 + 10*35 + ((10+1)/5 + 1) * 8 = 412
        assertThat(GEPA.autoBudget(1, 6, 8)).isEqualTo(412);
        assertThatThrownBy(() ->
                        GEPA.builder(FEEDBACK).maxMetricCalls(10).build().compile(Predict.of("word -> answer"), TRAIN))
                .hasMessageContaining("needs a reflection LM: set reflectionLm(...) or give the student an LM");
        assertThatThrownBy(
                        () -> GEPA.builder(FEEDBACK).reflectionLm(reflector()).build())
                .hasMessageContaining("exactly one budget");
        assertThatThrownBy(() -> GEPA.builder(FEEDBACK)
                        .reflectionLm(reflector())
                        .maxMetricCalls(10)
                        .auto(Budget.Auto.LIGHT)
                        .build())
                .hasMessageContaining("exactly one budget");
        assertThatThrownBy(() -> GEPA.builder(FEEDBACK)
                        .reflectionLm(reflector())
                        .maxMetricCalls(10)
                        .build()
                        .compile(Predict.of("word -> answer"), List.of()))
                .hasMessageContaining("training set is empty");
    }
}
