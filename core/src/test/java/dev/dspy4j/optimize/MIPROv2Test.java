package dev.dspy4j.optimize;

import static dev.dspy4j.module.Chat.answer;
import static dev.dspy4j.optimize.ReverseTask.devScore;
import static dev.dspy4j.optimize.ReverseTask.reversed;
import static dev.dspy4j.optimize.ReverseTask.system;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Chat;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MIPROv2Test {

    private static final List<Example> TRAIN = ReverseTask.examples(0, 10);
    private static final List<Example> VAL = ReverseTask.examples(100, 10);
    private static final Pattern SHOWN = Pattern.compile("word: (\\S+)\\nanswer: (\\S+)");

    /**
     * The prompt model. Describing the data, it says "backwards" only if a shown example's answer is
     * its word reversed; proposing, it writes the key word only if the prompt says "backwards".
     */
    private static ScriptedLm proposer() {
        return ScriptedLm.builder()
                .respond(r -> {
                    String user = Chat.lastUser(r);
                    if (system(r).contains("describe the dataset")) {
                        Matcher m = SHOWN.matcher(user);
                        boolean reveals = false;
                        while (m.find()) reveals |= reversed(m.group(1)).equals(m.group(2));
                        return List.of(answer(
                                "description", reveals ? "Each answer is its word written backwards." : "Words."));
                    }
                    return List.of(answer(
                            "proposed_instruction",
                            user.contains("backwards") ? "Reverse the letters of the word." : "Answer carefully."));
                })
                .build();
    }

    @Test
    void findsTheGroundedInstructionDevScoreRisesAndCallsMatchTheSchedule(@TempDir Path dir) throws Exception {
        ScriptedLm task = ReverseTask.taskLm();
        ScriptedLm prompt = proposer();
        Predict student = Predict.of("word -> answer").withLm(task);
        List<OptimizerProgress> progress = new ArrayList<>();
        Path log = dir.resolve("mipro.json");

        Module best = MIPROv2.builder(ReverseTask.metric())
                .promptModel(prompt)
                .seed(3)
                .listener(progress::add)
                .trialLog(log)
                .build()
                .compile(student, TRAIN, VAL);

        int taskCalls = task.requests().size();
        double before = devScore(student, VAL);
        double after = devScore(best, VAL);
        assertThat(before).isZero();
        assertThat(after).isEqualTo(100.0);
        assertThat(best.predictors().get("self").signature().instructions()).containsIgnoringCase("reverse");
        // the student is untouched
        assertThat(student.signature().instructions()).doesNotContainIgnoringCase("reverse");
        assertThat(student.demos()).isEmpty();

        // light: 6 demo sets, 3 instructions (the current one and 2 proposals), 10 trials; a valset of
        // 10 (not over 50) makes every trial a full evaluation: 10 examples x (1 default + 10 trials)
        int trials = MiproPlan.defaultTrials(1, false, 6);
        assertThat(trials).isEqualTo(10);
        OptimizerProgress last = progress.get(progress.size() - 1);
        assertThat(last.metricCalls()).isEqualTo(10L * (1 + trials));
        assertThat(progress).hasSize(1 + trials);
        // bootstrapping: the teacher fails every example, so each of the 4 bootstrapped sets (in order
        // and 3 shuffled) runs all 10 training examples
        long scoring = last.metricCalls();
        assertThat(taskCalls).isEqualTo((int) (4 * 10 + scoring));
        // the prompt model: 1 data description + 2 proposals
        assertThat(prompt.requests()).hasSize(3);

        JsonNode doc = new ObjectMapper().readTree(log.toFile());
        assertThat(doc.get("optimizer").asText()).isEqualTo("MIPROv2");
        assertThat(doc.get("status").asText()).isEqualTo("finished");
        assertThat(doc.get("trials")).hasSize(1 + trials);
        assertThat(doc.get("best_score").asDouble()).isEqualTo(100.0);
        assertThat(doc.get("trials").get(0).get("label").asText()).isEqualTo("default program");
    }

    @Test
    void sameSeedSameProgramAndTheMetricCallBudgetIsNeverExceeded() {
        List<Module> results = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            results.add(MIPROv2.builder(ReverseTask.metric())
                    .promptModel(proposer())
                    .seed(5)
                    .build()
                    .compile(Predict.of("word -> answer").withLm(ReverseTask.taskLm()), TRAIN, VAL));
        }
        assertThat(results.get(0).predictors().get("self").signature().instructions())
                .isEqualTo(results.get(1).predictors().get("self").signature().instructions());
        assertThat(results.get(0).predictors().get("self").demos())
                .isEqualTo(results.get(1).predictors().get("self").demos());

        List<OptimizerProgress> progress = new ArrayList<>();
        ScriptedLm task = ReverseTask.taskLm();
        MIPROv2.builder(ReverseTask.metric())
                .promptModel(proposer())
                .seed(5)
                .maxMetricCalls(35)
                .listener(progress::add)
                .build()
                .compile(Predict.of("word -> answer").withLm(task), TRAIN, VAL);
        // 3 full evaluations of 10 fit in 35; the fourth does not start
        assertThat(progress).hasSize(3);
        assertThat(progress.get(2).metricCalls()).isEqualTo(30);
        assertThat(task.requests()).hasSize(4 * 10 + 30);
    }

    @Test
    void zeroShotSearchesInstructionsOnlyAndMinibatchesAlternateWithFullEvaluations() {
        ScriptedLm task = ReverseTask.taskLm();
        List<OptimizerProgress> progress = new ArrayList<>();
        List<Example> val = ReverseTask.examples(200, 12);
        Module best = MIPROv2.builder(ReverseTask.metric())
                .promptModel(proposer())
                .maxBootstrappedDemos(0)
                .maxLabeledDemos(0)
                .numCandidates(3)
                .numTrials(6)
                .minibatch(true)
                .minibatchSize(4)
                .minibatchFullEvalSteps(3)
                .listener(progress::add)
                .build()
                .compile(Predict.of("word -> answer").withLm(task), TRAIN, val);

        assertThat(best.predictors().get("self").demos()).isEmpty();
        assertThat(devScore(best, val)).isEqualTo(100.0);
        // default (12) + 6 minibatches of 4 + a full evaluation (12) after trials 3 and 6
        assertThat(progress).hasSize(1 + 6 + 2);
        assertThat(progress.get(progress.size() - 1).metricCalls()).isEqualTo(12 + 6 * 4 + 2 * 12);
        // a minibatch score never becomes the best: only full evaluations do
        assertThat(progress.get(1).last().label()).contains("minibatch of 4");
        assertThat(progress.get(4).last().label()).startsWith("full evaluation");
        for (int i = 1; i <= 3; i++)
            assertThat(progress.get(i).bestScore()).isEqualTo(progress.get(0).bestScore());
        assertThat(progress.get(4).bestScore()).isEqualTo(100.0);
    }

    @Test
    void choosesAnInstructionAndADemoSetTogetherWhenTheTaskNeedsBoth() {
        // right only with the key word in the instructions AND at least one demo in the prompt
        ScriptedLm task = ScriptedLm.builder()
                .respond(r -> {
                    String word = Chat.input(r, "word");
                    boolean told = system(r).toLowerCase(java.util.Locale.ROOT).contains(ReverseTask.KEY);
                    boolean shown =
                            r.prompt().messages().stream().anyMatch(m -> m.role() == dev.dspy4j.prompt.Role.ASSISTANT);
                    return List.of(answer("answer", told && shown ? reversed(word) : word));
                })
                .build();
        Predict student = Predict.of("word -> answer").withLm(task);
        List<OptimizerProgress> progress = new ArrayList<>();
        Module best = MIPROv2.builder(ReverseTask.metric())
                .promptModel(proposer())
                .seed(11)
                .listener(progress::add)
                .build()
                .compile(student, TRAIN, VAL);

        Predict p = best.predictors().get("self");
        assertThat(p.signature().instructions()).containsIgnoringCase("reverse");
        assertThat(p.demos()).isNotEmpty();
        assertThat(devScore(student, VAL)).isZero();
        assertThat(devScore(best, VAL)).isEqualTo(100.0);
        // some trials paired a good instruction with no demos, or demos with the old instruction, and failed
        assertThat(progress.stream().filter(x -> x.last().score() == 0).count()).isGreaterThan(1);
    }

    @Test
    void withoutTheDataDescriptionTheProposalsAreNotGroundedAndNothingImproves() {
        ScriptedLm prompt = proposer();
        Predict student = Predict.of("word -> answer").withLm(ReverseTask.taskLm());
        Module best = MIPROv2.builder(ReverseTask.metric())
                .promptModel(prompt)
                .dataAwareProposer(false)
                .seed(3)
                .threads(4)
                .build()
                .compile(student, TRAIN, VAL);
        assertThat(devScore(best, VAL)).isZero();
        // no description call, 2 proposals, neither told about the data
        assertThat(prompt.requests()).hasSize(2);
        for (var r : prompt.requests()) {
            assertThat(Chat.input(r, "dataset_description")).isEqualTo("(not given)");
            assertThat(Chat.input(r, "program_structure")).startsWith("self: word: str -> answer: str");
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() ->
                        MIPROv2.builder(ReverseTask.metric()).build().compile(Predict.of("word -> answer"), TRAIN, VAL))
                .hasMessageContaining("needs a prompt model: set promptModel(...) or give the student an LM");
        assertThatThrownBy(() -> MIPROv2.builder(ReverseTask.metric())
                        .promptModel(proposer())
                        .auto(Budget.Auto.MEDIUM)
                        .numCandidates(4)
                        .build())
                .hasMessageContaining("auto");
        // numTrials alone was silently replaced by the light preset's trial count; DSPy refuses it too
        assertThatThrownBy(() -> MIPROv2.builder(ReverseTask.metric())
                        .promptModel(proposer())
                        .numTrials(20)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("numTrials(20) needs numCandidates");
        MIPROv2 m = MIPROv2.builder(ReverseTask.metric())
                .promptModel(proposer())
                .numCandidates(2)
                .minibatch(true)
                .minibatchSize(50)
                .build();
        assertThatThrownBy(() -> m.compile(Predict.of("word -> answer"), TRAIN, VAL))
                .hasMessageContaining("minibatchSize 50 exceeds the validation set's 10 examples");
        assertThatThrownBy(() -> m.compile(Predict.of("word -> answer"), TRAIN.subList(0, 1)))
                .hasMessageContaining("at least 2 training examples");
    }
}
