package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact prompts produced by {@link ChatAdapter}: every message, every part. */
class ChatAdapterFormatTest {
    private final Adapter a = ChatAdapter.create();

    @Test
    void simpleSignature() {
        assertThat(PromptText.render(a.format(SIMPLE, List.of(), Map.of("question", "What is the capital of France?"))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `question` (str)

                Your outputs:
                - `answer` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## question ## ]]
                {question}

                [[ ## answer ## ]]
                {answer}

                [[ ## completed ## ]]

                Your task: Given the fields `question`, produce the fields `answer`.

                === user ===
                [[ ## question ## ]]
                What is the capital of France?

                Answer with `[[ ## answer ## ]]`, and end with `[[ ## completed ## ]]`.
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

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## bio ## ]]
                {bio}

                [[ ## age ## ]]
                {age} -- an integer

                [[ ## height ## ]]
                {height} -- a number

                [[ ## adult ## ]]
                {adult} -- true or false

                [[ ## mood ## ]]
                {mood} -- one of: HAPPY, SAD

                [[ ## hobbies ## ]]
                {hobbies} -- JSON matching the schema {"type": "array", "items": {"type": "string"}}

                [[ ## address ## ]]
                {address} -- JSON matching the schema {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "integer"}}, "required": ["city", "zip"], "additionalProperties": false}

                [[ ## completed ## ]]

                Your task: Describe the person.

                === user ===
                [[ ## bio ## ]]
                Ada, 36, from London, likes chess.

                Answer with `[[ ## age ## ]]` (an integer), then `[[ ## height ## ]]` (a number), then `[[ ## adult ## ]]` (true or false), then `[[ ## mood ## ]]` (one of: HAPPY, SAD), then `[[ ## hobbies ## ]]` (JSON), then `[[ ## address ## ]]` (JSON), and end with `[[ ## completed ## ]]`.
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

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## question ## ]]
                {question}

                [[ ## context ## ]]
                {context}

                [[ ## answer ## ]]
                {answer} -- an integer

                [[ ## unit ## ]]
                {unit}

                [[ ## completed ## ]]

                Your task: Answer with a number and its unit.

                === user ===
                This example is partial: some of its fields were not provided.

                [[ ## question ## ]]
                How heavy is a litre of water?

                [[ ## context ## ]]
                (not given)

                === assistant ===
                [[ ## answer ## ]]
                1

                [[ ## unit ## ]]
                (not given)

                [[ ## completed ## ]]

                === user ===
                [[ ## question ## ]]
                How long is a marathon?

                [[ ## context ## ]]
                running

                === assistant ===
                [[ ## answer ## ]]
                42

                [[ ## unit ## ]]
                km

                [[ ## completed ## ]]

                === user ===
                [[ ## question ## ]]
                How tall is Everest?

                [[ ## context ## ]]
                geography

                Answer with `[[ ## answer ## ]]` (an integer), then `[[ ## unit ## ]]`, and end with `[[ ## completed ## ]]`.
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

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## question ## ]]
                {question}

                [[ ## answer ## ]]
                {answer}

                [[ ## completed ## ]]

                Your task: Given the fields `history`, `question`, produce the fields `answer`.

                === user ===
                [[ ## question ## ]]
                Who wrote Hamlet?

                === assistant ===
                [[ ## answer ## ]]
                Shakespeare

                [[ ## completed ## ]]

                === user ===
                [[ ## question ## ]]
                When?

                === assistant ===
                [[ ## answer ## ]]
                Around 1600

                [[ ## completed ## ]]

                === user ===
                [[ ## question ## ]]
                Where?

                Answer with `[[ ## answer ## ]]`, and end with `[[ ## completed ## ]]`.
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

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## question ## ]]
                {question}

                [[ ## context ## ]]
                {context}

                [[ ## answer ## ]]
                {answer} -- an integer

                [[ ## completed ## ]]

                Your task: Answer with a number.

                === user ===
                [[ ## question ## ]]
                How many items?

                [[ ## context ## ]]
                ["apple", "pear", "fig"]

                Answer with `[[ ## answer ## ]]` (an integer), and end with `[[ ## completed ## ]]`.
                """);
    }
}
