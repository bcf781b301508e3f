package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact prompts produced by {@link JsonAdapter}: every message, every part. */
class JsonAdapterFormatTest {
    private final Adapter a = JsonAdapter.create();

    @Test
    void simpleSignature() {
        assertThat(PromptText.render(a.format(SIMPLE, List.of(), Map.of("question", "What is the capital of France?"))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `question` (str)

                Your outputs:
                - `answer` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with one JSON object that holds every output, in this order.

                [[ ## question ## ]]
                {question}

                {
                  "answer": <a string>
                }

                Your task: Given the fields `question`, produce the fields `answer`.

                === user ===
                [[ ## question ## ]]
                What is the capital of France?

                Answer with one JSON object holding `answer`.
                """);
    }

    @Test
    void typedOutputs() {
        assertThat(PromptText.render(a.format(TYPED, List.of(), PROFILE_INPUT))).isEqualTo("""
                === system ===
                Your inputs:
                - `bio` (str): a short bio

                Your outputs:
                - `age` (int): age in years
                - `height` (float)
                - `adult` (bool)
                - `mood` (Mood)
                - `hobbies` (list[str])
                - `address` (Address)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with one JSON object that holds every output, in this order.

                [[ ## bio ## ]]
                {bio}

                {
                  "age": <an integer>,
                  "height": <a number>,
                  "adult": <true or false>,
                  "mood": <one of: HAPPY, SAD>,
                  "hobbies": <a value matching the schema {"type": "array", "items": {"type": "string"}}>,
                  "address": <a value matching the schema {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "integer"}}, "required": ["city", "zip"], "additionalProperties": false}>
                }

                Your task: Describe the person.

                === user ===
                [[ ## bio ## ]]
                Ada, 36, from London, likes chess.

                Answer with one JSON object holding `age` (an integer), then `height` (a number), then `adult` (true or false), then `mood` (one of: HAPPY, SAD), then `hobbies` (JSON), then `address` (JSON).
                """);
    }

    @Test
    void completeAndPartialDemos() {
        assertThat(PromptText.render(a.format(MEASURE, measureDemos(), MEASURE_INPUT)))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `question` (str)
                - `context` (str)

                Your outputs:
                - `answer` (int)
                - `unit` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with one JSON object that holds every output, in this order.

                [[ ## question ## ]]
                {question}

                [[ ## context ## ]]
                {context}

                {
                  "answer": <an integer>,
                  "unit": <a string>
                }

                Your task: Answer with a number and its unit.

                === user ===
                This example is partial: some of its fields were not provided.

                [[ ## question ## ]]
                How heavy is a litre of water?

                [[ ## context ## ]]
                (not given)

                === assistant ===
                {
                  "answer": 1,
                  "unit": "(not given)"
                }

                === user ===
                [[ ## question ## ]]
                How long is a marathon?

                [[ ## context ## ]]
                running

                === assistant ===
                {
                  "answer": 42,
                  "unit": "km"
                }

                === user ===
                [[ ## question ## ]]
                How tall is Everest?

                [[ ## context ## ]]
                geography

                Answer with one JSON object holding `answer` (an integer), then `unit`.
                """);
    }

    @Test
    void historyTurnsComeBeforeTheInput() {
        assertThat(PromptText.render(a.format(CHAT, List.of(), Map.of("history", chatHistory(), "question", "Where?"))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `question` (str)

                Your outputs:
                - `answer` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with one JSON object that holds every output, in this order.

                [[ ## question ## ]]
                {question}

                {
                  "answer": <a string>
                }

                Your task: Given the fields `history`, `question`, produce the fields `answer`.

                === user ===
                [[ ## question ## ]]
                Who wrote Hamlet?

                === assistant ===
                {
                  "answer": "Shakespeare"
                }

                === user ===
                [[ ## question ## ]]
                When?

                === assistant ===
                {
                  "answer": "Around 1600"
                }

                === user ===
                [[ ## question ## ]]
                Where?

                Answer with one JSON object holding `answer`.
                """);
    }

    @Test
    void listValueInAStringInput() {
        assertThat(PromptText.render(a.format(
                        QA,
                        List.of(),
                        Map.of("question", "How many items?", "context", List.of("apple", "pear", "fig")))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `question` (str)
                - `context` (str)

                Your outputs:
                - `answer` (int)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with one JSON object that holds every output, in this order.

                [[ ## question ## ]]
                {question}

                [[ ## context ## ]]
                {context}

                {
                  "answer": <an integer>
                }

                Your task: Answer with a number.

                === user ===
                [[ ## question ## ]]
                How many items?

                [[ ## context ## ]]
                ["apple", "pear", "fig"]

                Answer with one JSON object holding `answer` (an integer).
                """);
    }
}
