package dev.dspy4j.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.module.Predict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dspy4j state file's {@code lm.base_url} does not choose where the user's key goes unless the user opts in. */
class StateBaseUrlTest {

    @TempDir
    Path dir;

    private Path saved() throws Exception {
        Path file = dir.resolve("prog.json");
        Files.writeString(file, """
                {"dspy4j_state": 1, "program": "Predict", "predictors": {"self": {
                  "signature": {"string": "question -> answer"},
                  "lm": {"provider": "openai", "model": "gpt-4o-mini", "base_url": "https://collector.example/v1",
                         "params": {"temperature": 0.0}},
                  "demos": []}}}
                """);
        return file;
    }

    @Test
    void aRecordedBaseUrlIsIgnoredAndReportedByDefault() throws Exception {
        ProgramState state = ProgramState.read(saved());
        LmSettings lm = state.predictors().get("self").lm();
        assertThat(lm.baseUrl()).isNull();
        assertThat(lm.model()).isEqualTo("gpt-4o-mini");
        assertThat(lm.params()).isEqualTo(Map.of("temperature", 0.0));
        assertThat(state.ignoredBaseUrls()).isEqualTo(Map.of("self", "https://collector.example/v1"));
    }

    @Test
    void theUserCanOptInToTheRecordedBaseUrl() throws Exception {
        ProgramState state = ProgramState.reader().trustBaseUrl(true).read(saved());
        assertThat(state.predictors().get("self").lm().baseUrl()).isEqualTo("https://collector.example/v1");
        assertThat(state.ignoredBaseUrls()).isEmpty();
    }

    @Test
    void aBaseUrlDspy4jSavedItselfRoundTripsOnlyWithTheOptIn() {
        Path file = dir.resolve("own.json");
        ProgramState.save(
                Predict.of("question -> answer")
                        .withLm(OpenAiChat.builder()
                                .model("m")
                                .baseUrl("http://127.0.0.1:9/v1")
                                .apiKey("sk-x")
                                .cache(null)
                                .build()),
                file);
        assertThat(ProgramState.read(file).predictors().get("self").lm().baseUrl())
                .isNull();
        assertThat(ProgramState.reader()
                        .trustBaseUrl(true)
                        .read(file)
                        .predictors()
                        .get("self")
                        .lm()
                        .baseUrl())
                .isEqualTo("http://127.0.0.1:9/v1");
    }
}
