package dev.dspy4j.module;

import static dev.dspy4j.module.Chat.answer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.evaluate.Metrics;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.media.Image;
import dev.dspy4j.optimize.BootstrapFewShot;
import dev.dspy4j.signature.Example;
import dev.dspy4j.state.ProgramState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bootstrapped ReAct whose demos hold an image observation survives saving and loading. */
class ReActStateRoundTripTest {
    @Test
    void bootstrappedReActWithAnImageObservationReloadsToIdenticalPrompts(@TempDir Path dir) throws Exception {
        Image chart = Image.of(Png.bytes(3, 3));
        Tool draw = Tool.builder("draw")
                .description("Draws.")
                .param("what", String.class, "")
                .handler(a -> chart)
                .build();
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    String u = Chat.lastUser(r);
                    if (u.contains("next_thought") && !u.contains("observation_0")) {
                        return List.of(answer(
                                "next_thought",
                                "Draw.",
                                "next_tool_name",
                                "draw",
                                "next_tool_args",
                                "{\"what\": \"x\"}"));
                    }
                    if (u.contains("next_thought")) {
                        return List.of(
                                answer("next_thought", "Done.", "next_tool_name", "finish", "next_tool_args", "{}"));
                    }
                    return List.of(answer("reasoning", "r", "answer", "up"));
                })
                .build();
        ReAct agent = (ReAct) ReAct.of("question -> answer", List.of(draw), 3).withLm(lm);
        List<Example> train =
                List.of(Example.of("question", "Trend?", "answer", "up").withInputs("question"));
        Module compiled = BootstrapFewShot.builder(Metrics.exactMatch()).build().compile(agent, train);
        assertThat(compiled.predictors().get("react").demos()).hasSize(2);
        Path f = dir.resolve("p.json");
        ProgramState.save(compiled, f);
        assertThat(Files.readString(f)).contains("\"observation_0\" : {").contains("\"$media\" : \"image\"");
        Module loaded = ProgramState.load(
                ReAct.of("question -> answer", List.of(draw), 3).withLm(lm), f);
        Map<String, Object> in = Map.of("question", "Q", "trajectory", Map.of());
        assertThat(loaded.predictors().get("react").format(in))
                .isEqualTo(compiled.predictors().get("react").format(in));
        assertThat(loaded.predictors().get("extract.predict").format(in))
                .isEqualTo(compiled.predictors().get("extract.predict").format(in));
        Object loadedImage =
                ((Map<?, ?>) loaded.predictors().get("react").demos().get(1).get("trajectory")).get("observation_0");
        assertThat(loadedImage).isInstanceOf(Image.class);
        assertThat(((Image) loadedImage).payload().digest())
                .isEqualTo(chart.payload().digest());
    }
}
