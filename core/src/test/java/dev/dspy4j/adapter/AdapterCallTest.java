package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.Fixtures.PROFILE_INPUT;
import static dev.dspy4j.adapter.Fixtures.TYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.adapter.Fixtures.Address;
import dev.dspy4j.adapter.Fixtures.Mood;
import dev.dspy4j.adapter.Fixtures.Profile;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Adapters inside a real call: Predict with a scripted LM, the JSON fallback, ChainOfThought. */
class AdapterCallTest {

    private static final String CHAT_ANSWER = """
            [[ ## age ## ]]
            36

            [[ ## height ## ]]
            1.68

            [[ ## adult ## ]]
            true

            [[ ## mood ## ]]
            happy

            [[ ## hobbies ## ]]
            ["chess"]

            [[ ## address ## ]]
            {"city": "London", "zip": 10115}

            [[ ## completed ## ]]
            """;

    private static final String JSON_ANSWER = """
            ```json
            {"age": 36, "height": 1.68, "adult": true, "mood": "SAD", "hobbies": [], "address": {"city": "Paris", "zip": 75001}}
            ```""";

    @Test
    void predictRoundTripWithARecordSignature() {
        ScriptedLm lm = ScriptedLm.of(CHAT_ANSWER);
        Prediction p = Predict.of(Profile.class).withLm(lm).call(PROFILE_INPUT);

        assertThat(p.get("age", Integer.class)).isEqualTo(36);
        assertThat(p.get("height", Double.class)).isEqualTo(1.68);
        assertThat(p.get("adult", Boolean.class)).isTrue();
        assertThat(p.get("mood")).isEqualTo(Mood.HAPPY);
        assertThat(p.get("hobbies")).isEqualTo(List.of("chess"));
        assertThat(p.get("address")).isEqualTo(new Address("London", 10115));
        assertThat(lm.requests()).hasSize(1);
        Prompt expected = ChatAdapter.create().format(TYPED, List.of(), PROFILE_INPUT);
        assertThat(lm.lastRequest().prompt()).isEqualTo(expected);
        assertThat(lm.lastRequest().params()).doesNotContainKey("response_format");
    }

    @Test
    void malformedChatAnswerFallsBackToJson() {
        ScriptedLm lm = ScriptedLm.of("Age: 36, mood: sad", JSON_ANSWER);
        Prediction p = Predict.of(Profile.class)
                .withLm(lm)
                .withParam("temperature", 0.5)
                .call(PROFILE_INPUT);

        assertThat(lm.requests()).hasSize(2);
        LmRequest first = lm.requests().get(0);
        LmRequest second = lm.requests().get(1);
        assertThat(first.prompt()).isEqualTo(ChatAdapter.create().format(TYPED, List.of(), PROFILE_INPUT));
        assertThat(second.prompt()).isEqualTo(JsonAdapter.create().format(TYPED, List.of(), PROFILE_INPUT));
        assertThat(second.params())
                .containsEntry("response_format", Map.of("type", "json_object"))
                .containsEntry("temperature", 0.5);
        assertThat(p.get("mood")).isEqualTo(Mood.SAD);
        assertThat(p.get("address")).isEqualTo(new Address("Paris", 75001));
        assertThat(p.get("hobbies")).isEqualTo(List.of());
    }

    @Test
    void withoutFallbackTheParseErrorSurfaces() {
        ScriptedLm lm = ScriptedLm.of("Age: 36", JSON_ANSWER);
        Predict predict = Predict.of(Profile.class)
                .withLm(lm)
                .withAdapter(ChatAdapter.builder().jsonFallback(false).build());

        AdapterParseException e = catchThrowableOfType(AdapterParseException.class, () -> predict.call(PROFILE_INPUT));
        assertThat(e.completion()).isEqualTo("Age: 36");
        assertThat(e.missing()).hasSize(6);
        assertThat(lm.requests()).hasSize(1);
    }

    @Test
    void whenTheFallbackFailsTooBothFailuresAreReportedTheChatOneFirst() {
        ScriptedLm lm = ScriptedLm.of("Age: 36", "still not JSON");
        AdapterParseException e = catchThrowableOfType(
                AdapterParseException.class,
                () -> Predict.of(Profile.class).withLm(lm).call(PROFILE_INPUT));
        assertThat(e.getMessage()).startsWith("ChatAdapter");
        assertThat(e.completion()).isEqualTo("Age: 36");
        assertThat(e.getSuppressed()).hasSize(1);
        AdapterParseException fallback = (AdapterParseException) e.getSuppressed()[0];
        assertThat(fallback.getMessage()).startsWith("JsonAdapter");
        assertThat(fallback.problem()).contains("not a JSON object");
        assertThat(lm.requests()).hasSize(2);
    }

    @Test
    void lmErrorsAreNotRetried() {
        int[] calls = {0};
        ScriptedLm lm = ScriptedLm.builder()
                .respond(r -> {
                    calls[0]++;
                    throw new LmException("provider is down", 503, null);
                })
                .build();
        assertThatThrownBy(() -> Predict.of(Profile.class).withLm(lm).call(PROFILE_INPUT))
                .isInstanceOf(LmException.class)
                .hasMessage("provider is down");
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void chainOfThoughtAsksForReasoningFirst() {
        ScriptedLm lm = ScriptedLm.of("""
                [[ ## reasoning ## ]]
                Two apples plus three apples.

                [[ ## answer ## ]]
                5

                [[ ## completed ## ]]""");
        Prediction p = ChainOfThought.of("question -> answer: int").withLm(lm).call(Map.of("question", "2+3?"));

        assertThat(p.get("reasoning")).isEqualTo("Two apples plus three apples.");
        assertThat(p.get("answer", Integer.class)).isEqualTo(5);
        Prompt sent = lm.lastRequest().prompt();
        String system = sent.messages().get(0).text();
        assertThat(system)
                .contains("Your outputs:\n- `reasoning` (str): " + ChainOfThought.REASONING_DESC
                        + "\n- `answer` (int)\n");
        assertThat(system.indexOf("[[ ## reasoning ## ]]\n{reasoning}"))
                .isLessThan(system.indexOf("[[ ## answer ## ]]\n{answer} -- an integer"));
        assertThat(sent.messages().get(1).text())
                .endsWith("Answer with `[[ ## reasoning ## ]]`, then "
                        + "`[[ ## answer ## ]]` (an integer), and end with `[[ ## completed ## ]]`.");
    }

    @Test
    void jsonAdapterInPredictSendsASchemaToStructuredOutputLms() {
        ScriptedLm lm = ScriptedLm.builder()
                .structuredOutputs(true)
                .answers(JSON_ANSWER)
                .build();
        Prediction p = Predict.of(Profile.class)
                .withLm(lm)
                .withAdapter(JsonAdapter.create())
                .call(PROFILE_INPUT);
        assertThat(p.get("age", Integer.class)).isEqualTo(36);
        @SuppressWarnings("unchecked")
        Map<String, Object> rf = (Map<String, Object>) lm.lastRequest().params().get("response_format");
        assertThat(rf).containsEntry("type", "json_schema");
        assertThat(rf.get("json_schema"))
                .isEqualTo(Map.of(
                        "name",
                        "Profile",
                        "strict",
                        true,
                        "schema",
                        JsonAdapter.outputSchema(Signature.of(Profile.class))));
    }
}
