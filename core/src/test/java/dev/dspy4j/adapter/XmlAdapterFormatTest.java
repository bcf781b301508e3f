package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Exact prompts produced by {@link XmlAdapter}: every message, every part. */
class XmlAdapterFormatTest {
    private final Adapter a = XmlAdapter.create();

    @Test
    void simpleSignature() {
        assertThat(PromptText.render(a.format(SIMPLE, List.of(), Map.of("question", "What is the capital of France?"))))
                .isEqualTo("""
                === system ===
                Your inputs:
                - `question` (str)

                Your outputs:
                - `answer` (str)

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <question>
                {question}
                </question>

                <answer>
                {answer}
                </answer>

                Your task: Given the fields `question`, produce the fields `answer`.

                === user ===
                <question>
                What is the capital of France?
                </question>

                Answer with `<answer>`, closing each tag.
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

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <bio>
                {bio}
                </bio>

                <age>
                {age} -- an integer
                </age>

                <height>
                {height} -- a number
                </height>

                <adult>
                {adult} -- true or false
                </adult>

                <mood>
                {mood} -- one of: HAPPY, SAD
                </mood>

                <hobbies>
                {hobbies} -- JSON matching the schema {"type": "array", "items": {"type": "string"}}
                </hobbies>

                <address>
                {address} -- JSON matching the schema {"type": "object", "properties": {"city": {"type": "string"}, "zip": {"type": "integer"}}, "required": ["city", "zip"], "additionalProperties": false}
                </address>

                Your task: Describe the person.

                === user ===
                <bio>
                Ada, 36, from London, likes chess.
                </bio>

                Answer with `<age>` (an integer), then `<height>` (a number), then `<adult>` (true or false), then `<mood>` (one of: HAPPY, SAD), then `<hobbies>` (JSON), then `<address>` (JSON), closing each tag.
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

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <question>
                {question}
                </question>

                <context>
                {context}
                </context>

                <answer>
                {answer} -- an integer
                </answer>

                <unit>
                {unit}
                </unit>

                Your task: Answer with a number and its unit.

                === user ===
                This example is partial: some of its fields were not provided.

                <question>
                How heavy is a litre of water?
                </question>

                <context>
                (not given)
                </context>

                === assistant ===
                <answer>
                1
                </answer>

                <unit>
                (not given)
                </unit>

                === user ===
                <question>
                How long is a marathon?
                </question>

                <context>
                running
                </context>

                === assistant ===
                <answer>
                42
                </answer>

                <unit>
                km
                </unit>

                === user ===
                <question>
                How tall is Everest?
                </question>

                <context>
                geography
                </context>

                Answer with `<answer>` (an integer), then `<unit>`, closing each tag.
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

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <question>
                {question}
                </question>

                <answer>
                {answer}
                </answer>

                Your task: Given the fields `history`, `question`, produce the fields `answer`.

                === user ===
                <question>
                Who wrote Hamlet?
                </question>

                === assistant ===
                <answer>
                Shakespeare
                </answer>

                === user ===
                <question>
                When?
                </question>

                === assistant ===
                <answer>
                Around 1600
                </answer>

                === user ===
                <question>
                Where?
                </question>

                Answer with `<answer>`, closing each tag.
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

                Each exchange follows this layout: the inputs arrive inside their tags, and you reply with each output inside its own tags, in this order.

                <question>
                {question}
                </question>

                <context>
                {context}
                </context>

                <answer>
                {answer} -- an integer
                </answer>

                Your task: Answer with a number.

                === user ===
                <question>
                How many items?
                </question>

                <context>
                ["apple", "pear", "fig"]
                </context>

                Answer with `<answer>` (an integer), closing each tag.
                """);
    }
}
