package dev.dspy4j.optimize;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.evaluate.Evaluate;
import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.lm.Embedder;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Chat;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KNNFewShotTest {

    private static final List<Example> TRAIN = RuleTask.examples(0, 3);
    private static final List<Example> DEV = RuleTask.examples(3, 3);

    /** A rule-based embedder: one axis per kind, plus a little of the item's length, so same-kind texts are nearest. */
    static final class KindEmbedder implements Embedder {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public List<float[]> embed(List<String> texts) {
            seen.addAll(texts);
            return texts.stream()
                    .map(t -> {
                        float[] v = new float[RuleTask.KINDS.size() + 1];
                        for (int k = 0; k < RuleTask.KINDS.size(); k++) {
                            if (t.contains(RuleTask.KINDS.get(k) + ":")) v[k] = 1;
                        }
                        v[RuleTask.KINDS.size()] = t.length() / 100f;
                        return v;
                    })
                    .toList();
        }
    }

    private static double devScore(Module p) {
        return Evaluate.builder(DEV, Metrics.exactMatch()).build().run(p).score();
    }

    @Test
    void eachInputGetsItsNearestTrainingExamplesAsDemos() {
        ScriptedLm lm = RuleTask.lm();
        Module student = Predict.of("question -> answer").withLm(lm);
        KindEmbedder embedder = new KindEmbedder();
        Module knn = KNNFewShot.builder(1, embedder).build().compile(student, TRAIN);
        assertThat(embedder.seen).hasSize(TRAIN.size()).startsWith("question: color: red");

        double before = devScore(student);
        int callsBefore = lm.requests().size();
        double after = devScore(knn);
        int calls = lm.requests().size() - callsBefore;
        System.out.printf(
                "FIGURE KNNFewShot: dev score %.1f -> %.1f, %d LM calls (compile: 0), %d embedded texts%n",
                before, after, calls, embedder.seen.size());
        assertThat(before).isEqualTo(0.0);
        assertThat(after).isEqualTo(100.0);
        assertThat(calls).isEqualTo(DEV.size()); // one LM call per input; compiling made none
        // the demo of each call is the nearest training example of the input's kind
        for (var r : lm.requests().subList(callsBefore, lm.requests().size())) {
            String kind = Chat.input(r, "question").split(":", 2)[0];
            assertThat(RuleTask.demoKinds(r)).containsExactly(kind);
        }
        assertThat(student.predictors().get("self").demos()).isEmpty();
        assertThat(knn.predictors()).containsOnlyKeys("self");
    }

    /** Two steps: the first copies the kind into a hint, the second answers; only traced demos show the hint. */
    record Hinted(Predict hint, Predict answer) implements Module {
        @Override
        public Prediction call(Map<String, ?> in) {
            String h = hint.call(in).getString("hint");
            return answer.call(Map.of("question", in.get("question"), "hint", h));
        }
    }

    @Test
    void withBootstrapEveryPredictorGetsTheNeighboursTracedDemos() {
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    String q = Chat.input(r, "question");
                    String kind = q.substring(0, q.indexOf(':'));
                    if (!Chat.lastUser(r).contains("[[ ## hint ## ]]\nkind"))
                        return List.of(answer("hint", "kind " + kind));
                    // the answer step is right when it was shown a demo with a hint of this kind
                    boolean shown = r
                            .prompt()
                            .messages()
                            .subList(1, r.prompt().messages().size() - 1)
                            .stream()
                            .anyMatch(m -> Chat.text(m).contains("kind " + kind));
                    String item = q.substring(q.indexOf(':') + 2);
                    return List.of(
                            answer("answer", shown ? kind.toUpperCase(java.util.Locale.ROOT) + "-" + item : "unknown"));
                })
                .build();
        Module student = new Hinted(Predict.of("question -> hint"), Predict.of("question, hint -> answer")).withLm(lm);
        Module labeledOnly = KNNFewShot.builder(2, new KindEmbedder()).build().compile(student, TRAIN);
        // the bootstrap metric passes every run (the LM's answers are checked only through the hint)
        Module bootstrapped = KNNFewShot.builder(2, new KindEmbedder())
                .bootstrap((e, p) -> 1.0)
                .threads(3)
                .build()
                .compile(student, TRAIN);
        assertThat(devScore(labeledOnly)).isEqualTo(0.0);
        assertThat(devScore(bootstrapped)).isEqualTo(100.0);
    }
}
