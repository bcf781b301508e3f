package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.Fixtures.TYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.adapter.Fixtures.Address;
import dev.dspy4j.adapter.Fixtures.Mood;
import dev.dspy4j.media.History;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Value rendering, absent and wrong inputs, and demo answers that parse back to the demo's values. */
class FormatDetailsTest {
    private static final List<Adapter> ALL = List.of(ChatAdapter.create(), JsonAdapter.create(), XmlAdapter.create());

    private static String lastUserText(Prompt p) {
        return p.messages().get(p.messages().size() - 1).text();
    }

    @Test
    void nonStringInputValuesAreWrittenAsTextOrJson() {
        Signature s = Signature.parse("a, b, c, d, e, f, g, h -> out");
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("a", 42L);
        in.put("b", 2.5);
        in.put("c", true);
        in.put("d", Mood.SAD);
        in.put("e", new Address("Oslo", 150));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("x", 1);
        f.put("y", List.of("p", "q"));
        in.put("f", f);
        in.put("g", Optional.of("inside"));
        in.put("h", "line one\nline two");
        assertThat(lastUserText(ChatAdapter.create().format(s, List.of(), in))).isEqualTo("""
                [[ ## a ## ]]
                42

                [[ ## b ## ]]
                2.5

                [[ ## c ## ]]
                true

                [[ ## d ## ]]
                SAD

                [[ ## e ## ]]
                {"city": "Oslo", "zip": 150}

                [[ ## f ## ]]
                {"x": 1, "y": ["p", "q"]}

                [[ ## g ## ]]
                inside

                [[ ## h ## ]]
                line one
                line two

                Answer with `[[ ## out ## ]]`, and end with `[[ ## completed ## ]]`.""");
    }

    @Test
    void absentOptionalInputsAreMarkedNotGiven() {
        Signature s = Signature.parse("question, hint: Optional[str] -> answer");
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("question", "Why?");
        withNull.put("hint", null);
        for (Map<String, ?> in : List.<Map<String, ?>>of(
                Map.of("question", "Why?"), withNull, Map.of("question", "Why?", "hint", Optional.empty()))) {
            assertThat(lastUserText(XmlAdapter.create().format(s, List.of(), in)))
                    .isEqualTo("<question>\nWhy?\n</question>\n\n<hint>\n(not given)\n</hint>\n\n"
                            + "Answer with `<answer>`, closing each tag.");
        }
    }

    @Test
    void missingRequiredInputIsAnError() {
        for (Adapter a : ALL) {
            assertThatThrownBy(() -> a.format(Fixtures.QA, List.of(), Map.of("question", "q")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("missing input field 'context'");
        }
    }

    @Test
    void historyFieldMustHoldAHistory() {
        assertThatThrownBy(() -> ChatAdapter.create()
                        .format(Fixtures.CHAT, List.of(), Map.of("history", List.of("hi"), "question", "q")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input field 'history' is a History");
    }

    @Test
    void mediaInAnOutputValueIsRejected() {
        List<Example> demos = List.of(Example.of("question", "q", "answer", MediaFixtures.RED));
        assertThatThrownBy(() -> ChatAdapter.create().format(Fixtures.SIMPLE, demos, Map.of("question", "q")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field 'answer' holds Image");
    }

    @Test
    void signatureWithOnlyAHistoryInput() {
        Signature s = Signature.parse("history: History -> reply", "Continue the chat.");
        Prompt p = ChatAdapter.create().format(s, List.of(), Map.of("history", History.of(Map.of("reply", "Hello!"))));
        assertThat(PromptText.render(p)).isEqualTo("""
                === system ===
                Your outputs:
                - `reply` (str)

                Each exchange follows this layout: the inputs arrive under their markers, and you reply with each output under its marker, in this order, ending with the completed marker.

                [[ ## reply ## ]]
                {reply}

                [[ ## completed ## ]]

                Your task: Continue the chat.

                === assistant ===
                [[ ## reply ## ]]
                Hello!

                [[ ## completed ## ]]

                === user ===
                Answer with `[[ ## reply ## ]]`, and end with `[[ ## completed ## ]]`.
                """);
    }

    private static Map<String, Object> typedDemo() {
        Map<String, Object> m = new LinkedHashMap<>(Fixtures.PROFILE_INPUT);
        m.put("age", 36);
        m.put("height", 1.68);
        m.put("adult", true);
        m.put("mood", Mood.HAPPY);
        m.put("hobbies", List.of("chess", "go"));
        m.put("address", new Address("London", 10115));
        return m;
    }

    @Test
    void typedDemoAnswersAreExact() {
        List<Example> demos = List.of(Example.of(typedDemo()));
        Message chat = ChatAdapter.create()
                .format(TYPED, demos, Fixtures.PROFILE_INPUT)
                .messages()
                .get(2);
        assertThat(chat.text()).isEqualTo("""
                [[ ## age ## ]]
                36

                [[ ## height ## ]]
                1.68

                [[ ## adult ## ]]
                true

                [[ ## mood ## ]]
                HAPPY

                [[ ## hobbies ## ]]
                ["chess", "go"]

                [[ ## address ## ]]
                {"city": "London", "zip": 10115}

                [[ ## completed ## ]]""");
        Message json = JsonAdapter.create()
                .format(TYPED, demos, Fixtures.PROFILE_INPUT)
                .messages()
                .get(2);
        assertThat(json.text()).isEqualTo("""
                {
                  "age": 36,
                  "height": 1.68,
                  "adult": true,
                  "mood": "HAPPY",
                  "hobbies": ["chess", "go"],
                  "address": {"city": "London", "zip": 10115}
                }""");
        Message xml = XmlAdapter.create()
                .format(TYPED, demos, Fixtures.PROFILE_INPUT)
                .messages()
                .get(2);
        assertThat(xml.text())
                .startsWith("<age>\n36\n</age>\n\n<height>\n1.68\n</height>")
                .endsWith("<address>\n{\"city\": \"London\", \"zip\": 10115}\n</address>");
    }

    @Test
    void everyAdapterParsesItsOwnDemoAnswersBackToTheDemoValues() {
        Map<String, Object> demo = typedDemo();
        Map<String, Object> outputs = new LinkedHashMap<>(demo);
        outputs.remove("bio");
        for (Adapter a : ALL) {
            Prompt p = a.format(TYPED, List.of(Example.of(demo)), Fixtures.PROFILE_INPUT);
            assertThat(a.parse(TYPED, p.messages().get(2).text()))
                    .as(a.toString())
                    .isEqualTo(outputs);
        }
    }

    @Test
    void chatAdapterOptions() {
        assertThat(ChatAdapter.create().jsonFallback()).isTrue();
        assertThat(ChatAdapter.builder().build()).isEqualTo(ChatAdapter.create());
        ChatAdapter strict = ChatAdapter.builder().jsonFallback(false).build();
        assertThat(strict.jsonFallback()).isFalse();
        assertThat(strict).isNotEqualTo(ChatAdapter.create()).hasToString("ChatAdapter[jsonFallback=false]");
        assertThat(ChatAdapter.marker("answer")).isEqualTo("[[ ## answer ## ]]");
        assertThat(ChatAdapter.COMPLETED).isEqualTo("[[ ## completed ## ]]");
    }
}
