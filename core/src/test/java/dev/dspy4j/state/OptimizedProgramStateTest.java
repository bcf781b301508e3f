package dev.dspy4j.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.evaluate.Metric;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.optimize.BootstrapFewShot;
import dev.dspy4j.optimize.LabeledFewShot;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.testing.NoiseImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 6: saving and reloading an optimized program gives byte-identical prompts. */
class OptimizedProgramStateTest {

    @TempDir
    Path dir;

    /** A two-predictor program: describe the image, then label it with reasoning. */
    record Describe(Predict describe, ChainOfThought label) implements Module {
        static Describe build() {
            return new Describe(
                    Predict.of("image: Image -> description"), ChainOfThought.of("image: Image, description -> label"));
        }

        @Override
        public Prediction call(Map<String, ?> inputs) {
            Prediction d = describe.call(inputs);
            return label.call(Map.of("image", inputs.get("image"), "description", d.get("description")));
        }

        @Override
        public Map<String, Predict> predictors() {
            Map<String, Predict> m = new LinkedHashMap<>();
            m.put("describe", describe);
            m.put("label.predict", label.predict());
            return m;
        }

        @Override
        public Describe withPredictors(Map<String, Predict> r) {
            return new Describe(
                    r.getOrDefault("describe", describe),
                    label.withPredictors(Map.of("predict", r.getOrDefault("label.predict", label.predict()))));
        }
    }

    private static String answer(LmRequest r) {
        String system = ((Part.Text) r.prompt().messages().get(0).parts().get(0)).text();
        return system.contains("`label`")
                ? "[[ ## reasoning ## ]]\nthe pixels look random\n\n[[ ## label ## ]]\nnoise\n\n[[ ## completed ## ]]"
                : "[[ ## description ## ]]\ncoloured static\n\n[[ ## completed ## ]]";
    }

    private static List<Example> trainset() {
        List<Example> train = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            train.add(Example.of("image", Image.of(NoiseImage.png(8, 8, i)), "label", i == 2 ? "static" : "noise")
                    .withInputs("image"));
        }
        return train;
    }

    @Test
    void bootstrappedProgramSavedAndReloadedBuildsByteIdenticalPrompts() {
        ScriptedLm lm = ScriptedLm.builder().respond(r -> List.of(answer(r))).build();
        Module student = Describe.build().withLm(lm);
        Metric metric = Metric.of((ex, p) -> ex.get("label").equals(p.get("label")));

        Module optimized = BootstrapFewShot.builder(metric)
                .maxBootstrappedDemos(2)
                .maxLabeledDemos(3)
                .build()
                .compile(student, trainset());

        Predict label = optimized.predictors().get("label.predict");
        assertThat(label.demos()).hasSize(3);
        assertThat(label.demos().get(0).get("reasoning")).isEqualTo("the pixels look random");
        assertThat(optimized.predictors().get("describe").demos().get(0).get("description"))
                .isEqualTo("coloured static");

        Map<String, Object> in = Map.of("image", Image.of(NoiseImage.png(8, 8, 42)), "description", "grainy");
        for (MediaStorage storage : MediaStorage.values()) {
            Path file = dir.resolve("optimized-" + storage + ".json");
            ProgramState.save(optimized, file, storage);

            Module loaded = ProgramState.load(Describe.build(), file);

            assertThat(loaded.predictors().keySet()).containsExactly("describe", "label.predict");
            for (String name : loaded.predictors().keySet()) {
                Predict before = optimized.predictors().get(name);
                Predict after = loaded.predictors().get(name);
                Prompt a = before.format(in);
                Prompt b = after.format(in);
                assertThat(b).as(name + " " + storage).isEqualTo(a);
                assertThat(b.toString()).isEqualTo(a.toString());
                assertThat(b.media().count()).isEqualTo(a.media().count()).isPositive();
                assertThat(after.demos()).hasSameSizeAs(before.demos());
                assertThat(after.demos().get(0).inputKeys())
                        .isEqualTo(before.demos().get(0).inputKeys());
            }
        }
    }

    @Test
    void labeledFewShotProgramSavedAndReloadedBuildsByteIdenticalPrompts() {
        Module optimized = new LabeledFewShot(3, 7).compile(ChainOfThought.of("image: Image -> label"), trainset());
        Path file = dir.resolve("labeled.json");
        ProgramState.save(optimized, file);

        ChainOfThought loaded = ProgramState.load(ChainOfThought.of("image: Image -> label"), file);

        Map<String, Object> in = Map.of("image", Image.of(NoiseImage.png(8, 8, 43)));
        assertThat(loaded.predict().format(in))
                .isEqualTo(((ChainOfThought) optimized).predict().format(in));
    }
}
