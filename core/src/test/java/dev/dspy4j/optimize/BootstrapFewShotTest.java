package dev.dspy4j.optimize;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Chat;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Png;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BootstrapFewShotTest {

    private static final List<Example> TRAIN = List.of(
            Example.of("question", "2+2", "answer", "4").withInputs("question"),
            Example.of("question", "3+3", "answer", "6").withInputs("question"),
            Example.of("question", "5+5", "answer", "10").withInputs("question"));

    /** Answers with reasoning; gets 3+3 wrong unless {@code fixed} says otherwise for the request. */
    private static ScriptedLm arithmetic(Function<LmRequest, Boolean> fixed) {
        return ScriptedLm.builder()
                .respond(r -> {
                    String q = Chat.input(r, "question");
                    String a = switch (q) {
                        case "2+2" -> "4";
                        case "3+3" -> fixed.apply(r) ? "6" : "7";
                        case "5+5" -> "10";
                        default -> "?";
                    };
                    return List.of(answer("reasoning", "adding " + q, "answer", a));
                })
                .build();
    }

    private static Example traced(String q, String a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("question", q);
        v.put("reasoning", "adding " + q);
        v.put("answer", a);
        return Example.of(v).withInputs("question");
    }

    @Test
    void passingTracesBecomeDemosFailingOnesAreSkippedAndLabeledExamplesTopUp() {
        ScriptedLm lm = arithmetic(r -> false);
        ChainOfThought student =
                (ChainOfThought) ChainOfThought.of("question -> answer").withLm(lm);

        Module compiled = BootstrapFewShot.builder(Metrics.exactMatch()).build().compile(student, TRAIN);

        List<Example> demos = compiled.predictors().get("predict").demos();
        assertThat(demos).containsExactly(traced("2+2", "4"), traced("5+5", "10"), TRAIN.get(1));
        assertThat(demos.get(2)).isSameAs(TRAIN.get(1));
        // the student is untouched; the result is a new program of the same shape
        assertThat(student.predict().demos()).isEmpty();
        assertThat(compiled).isNotSameAs(student).isInstanceOf(ChainOfThought.class);
        assertThat(compiled.predictors().get("predict").lm()).isSameAs(lm);
        // the teacher ran once per example, with labeled demos that leave out the example itself
        assertThat(lm.requests()).hasSize(3);
        for (LmRequest r : lm.requests()) {
            String q = Chat.input(r, "question");
            long demoMessages = r.prompt().messages().stream()
                    .filter(m -> m.role() == dev.dspy4j.prompt.Role.ASSISTANT)
                    .count();
            assertThat(demoMessages).isEqualTo(2);
            assertThat(r.prompt().messages().subList(1, r.prompt().messages().size() - 1))
                    .noneMatch(m -> Chat.text(m).contains("[[ ## question ## ]]\n" + q + "\n"));
        }
    }

    @Test
    void bootstrappingStopsAtMaxBootstrappedDemosAndLabeledDemosFillUpToTheirMaximum() {
        ScriptedLm lm = arithmetic(r -> false);
        Module compiled = BootstrapFewShot.of(Metrics.exactMatch(), 1, 2, 1, null)
                .compile(ChainOfThought.of("question -> answer").withLm(lm), TRAIN);
        List<Example> demos = compiled.predictors().get("predict").demos();
        assertThat(lm.requests()).hasSize(1);
        assertThat(demos).hasSize(2);
        assertThat(demos.get(0)).isEqualTo(traced("2+2", "4"));
        assertThat(demos.get(1)).isIn(TRAIN.get(1), TRAIN.get(2));
    }

    @Test
    void laterRoundsUseANewRolloutIdAndTemperature() {
        ScriptedLm lm = arithmetic(r -> "bootstrap-round-1".equals(r.rolloutId()));
        Module compiled = BootstrapFewShot.builder(Metrics.exactMatch())
                .maxRounds(3)
                .build()
                .compile(ChainOfThought.of("question -> answer").withLm(lm), TRAIN);

        assertThat(compiled.predictors().get("predict").demos())
                .containsExactly(traced("2+2", "4"), traced("3+3", "6"), traced("5+5", "10"));
        List<LmRequest> rs = lm.requests();
        assertThat(rs).hasSize(4);
        assertThat(rs).extracting(LmRequest::rolloutId).containsExactly(null, null, "bootstrap-round-1", null);
        assertThat(rs.get(2).params()).containsEntry("temperature", 1.0);
        assertThat(rs.get(1).params()).doesNotContainKey("temperature");
        assertThat(Chat.input(rs.get(2), "question")).isEqualTo("3+3");
    }

    @Test
    void aThresholdDecidesWhichScoresPass() {
        ScriptedLm lm = arithmetic(r -> false);
        // F1 of "7" against "6" is 0: with threshold 0.5 only exact answers pass
        Module compiled = BootstrapFewShot.builder(Metrics.f1())
                .threshold(0.5)
                .maxLabeledDemos(0)
                .build()
                .compile(ChainOfThought.of("question -> answer").withLm(lm), TRAIN);
        assertThat(compiled.predictors().get("predict").demos())
                .containsExactly(traced("2+2", "4"), traced("5+5", "10"));
    }

    @Test
    void failedTeacherRunsAreSkippedUntilTheErrorLimit() {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    String q = Chat.input(r, "question");
                    if (q.equals("3+3")) throw new IllegalStateException("LM down for " + q);
                    return List.of(answer("answer", q.equals("2+2") ? "4" : "10"));
                })
                .build();
        Module compiled = BootstrapFewShot.builder(Metrics.exactMatch())
                .maxLabeledDemos(0)
                .build()
                .compile(Predict.of("question -> answer").withLm(lm), TRAIN);
        assertThat(compiled.predictors().get("self").demos()).containsExactly(TRAIN.get(0), TRAIN.get(2));

        assertThatThrownBy(() -> BootstrapFewShot.builder(Metrics.exactMatch())
                        .maxErrors(1)
                        .build()
                        .compile(Predict.of("question -> answer").withLm(lm), TRAIN))
                .hasMessageContaining("bootstrapping stopped after 1 failed teacher runs")
                .hasMessageContaining("LM down for 3+3");
    }

    @Test
    void aMetricThatThrowsCountsAsAFailedRunLikeAFailedTeacher() {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    String q = Chat.input(r, "question");
                    return List.of(answer(
                            "answer",
                            switch (q) {
                                case "2+2" -> "4";
                                case "3+3" -> "6";
                                default -> "10";
                            }));
                })
                .build();
        dev.dspy4j.evaluate.Metric picky = (ex, pred) -> {
            if (ex.get("question").equals("3+3"))
                throw new IllegalArgumentException("cannot score " + ex.get("question"));
            return Metrics.exactMatch().score(ex, pred);
        };
        Module compiled = BootstrapFewShot.builder(picky)
                .maxLabeledDemos(0)
                .build()
                .compile(Predict.of("question -> answer").withLm(lm), TRAIN);
        assertThat(compiled.predictors().get("self").demos()).containsExactly(TRAIN.get(0), TRAIN.get(2));

        assertThatThrownBy(() -> BootstrapFewShot.builder(picky)
                        .maxErrors(1)
                        .build()
                        .compile(Predict.of("question -> answer").withLm(lm), TRAIN))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bootstrapping stopped after 1 failed teacher runs")
                .hasMessageContaining("training example 1")
                .hasMessageContaining("cannot score 3+3");
    }

    @Test
    void demosWithImagesReferenceTheSameImageInstances() {
        Image cat = Image.of(Png.bytes(4, 1));
        Image dog = Image.of(Png.bytes(4, 2));
        List<Example> train = List.of(
                Example.of("photo", cat, "animal", "cat").withInputs("photo"),
                Example.of("photo", dog, "animal", "dog").withInputs("photo"));
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    // the current image is the last media part of the prompt
                    List<dev.dspy4j.media.Media> media = r.prompt().media().toList();
                    return List.of(answer("animal", media.get(media.size() - 1) == cat ? "cat" : "dog"));
                })
                .build();
        Module compiled = BootstrapFewShot.builder(Metrics.exactMatch("animal"))
                .build()
                .compile(Predict.of("photo: Image -> animal").withLm(lm), train);
        List<Example> demos = compiled.predictors().get("self").demos();
        assertThat(demos).hasSize(2);
        assertThat(demos.get(0).get("photo")).isSameAs(cat);
        assertThat(demos.get(1).get("photo")).isSameAs(dog);
        // the teacher's labeled demos also carried the very same instances
        assertThat(lm.requests().get(0).prompt().media().toList())
                .containsExactly(dog, cat)
                .satisfies(l -> assertThat(l.get(0)).isSameAs(dog));
    }

    /** A two-predictor program: a draft, then a polished answer. */
    static final class DraftThenPolish implements Module {
        final Predict draft;
        final Predict polish;

        DraftThenPolish(Predict draft, Predict polish) {
            this.draft = draft;
            this.polish = polish;
        }

        @Override
        public Prediction call(Map<String, ?> inputs) {
            String d = draft.call(inputs).getString("draft");
            return polish.call(Map.of("draft", d));
        }

        @Override
        public Map<String, Predict> predictors() {
            Map<String, Predict> m = new LinkedHashMap<>();
            m.put("draft", draft);
            m.put("polish", polish);
            return m;
        }

        @Override
        public Module withPredictors(Map<String, Predict> r) {
            return new DraftThenPolish(r.getOrDefault("draft", draft), r.getOrDefault("polish", polish));
        }
    }

    @Test
    void everyPredictorATraceTouchedGetsItsOwnDemo() {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    if (Chat.lastUser(r).contains("[[ ## question ## ]]")) {
                        return List.of(answer("draft", "draft of " + Chat.input(r, "question")));
                    }
                    String d = Chat.input(r, "draft");
                    return List.of(answer("answer", d.endsWith("2+2") ? "4" : "wrong"));
                })
                .build();
        Module program = new DraftThenPolish(Predict.of("question -> draft"), Predict.of("draft -> answer")).withLm(lm);
        Module compiled = BootstrapFewShot.builder(Metrics.exactMatch())
                .maxLabeledDemos(0)
                .build()
                .compile(program, TRAIN);
        assertThat(compiled.predictors().get("draft").demos())
                .containsExactly(
                        Example.of("question", "2+2", "draft", "draft of 2+2").withInputs("question"));
        assertThat(compiled.predictors().get("polish").demos())
                .containsExactly(
                        Example.of("draft", "draft of 2+2", "answer", "4").withInputs("draft"));
        assertThat(program.predictors().get("draft").demos()).isEmpty();
    }

    @Test
    void aTeacherOfAnotherShapeIsRejected() {
        assertThatThrownBy(() -> BootstrapFewShot.builder(Metrics.exactMatch())
                        .teacher(ChainOfThought.of("question -> answer"))
                        .build()
                        .compile(Predict.of("question -> answer"), TRAIN))
                .hasMessageContaining("the teacher's predictors [predict] do not match the student's [self]");
        List<Example> unmarked = new ArrayList<>(List.of(Example.of("question", "q", "answer", "a")));
        assertThatThrownBy(() -> BootstrapFewShot.builder(Metrics.exactMatch())
                        .build()
                        .compile(Predict.of("question -> answer"), unmarked))
                .hasMessageContaining("training example 0 has no input keys marked");
    }

    @Test
    void threadsDoNotChangeTheDemosAndTheMetricSeesEachRunsTrace() {
        List<Example> train = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> Example.of("question", i + "+" + i, "answer", Integer.toString(2 * i))
                        .withInputs("question"))
                .toList();
        // wrong on odd numbers
        Function<Integer, Module> compiled = threads -> {
            ScriptedLm lm = ScriptedLm.builder()
                    .respond(r -> {
                        int i = Integer.parseInt(Chat.input(r, "question").split("\\+", 2)[0]);
                        return List.of(
                                answer("reasoning", "adding", "answer", i % 2 == 0 ? Integer.toString(2 * i) : "?"));
                    })
                    .build();
            List<Integer> traceSizes = java.util.Collections.synchronizedList(new ArrayList<>());
            dev.dspy4j.evaluate.Metric metric = dev.dspy4j.evaluate.Metric.withTrace((gold, pred, trace) -> {
                traceSizes.add(trace.size());
                return dev.dspy4j.evaluate.ScoreWithFeedback.of(
                        gold.getString("answer").equals(pred.getString("answer")) ? 1 : 0);
            });
            Module out = BootstrapFewShot.builder(metric)
                    .maxBootstrappedDemos(3)
                    .maxLabeledDemos(3)
                    .threads(threads)
                    .build()
                    .compile(ChainOfThought.of("question -> answer").withLm(lm), train);
            assertThat(traceSizes).isNotEmpty().allSatisfy(n -> assertThat(n).isEqualTo(1));
            return out;
        };
        List<Example> one = compiled.apply(1).predictors().get("predict").demos();
        List<Example> four = compiled.apply(4).predictors().get("predict").demos();
        assertThat(one).extracting(d -> d.getString("question")).containsExactly("0+0", "2+2", "4+4");
        assertThat(four).isEqualTo(one);
    }
}
