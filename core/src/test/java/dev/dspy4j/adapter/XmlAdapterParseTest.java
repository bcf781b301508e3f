package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.Fixtures.TYPED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.adapter.Fixtures.Address;
import dev.dspy4j.adapter.Fixtures.Mood;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing tagged completions into typed values. */
class XmlAdapterParseTest {
    private final XmlAdapter a = XmlAdapter.create();

    private static final String WELL_FORMED = """
            <age>
            36
            </age>

            <height>1.68</height>
            <adult>false</adult>
            <mood>SAD</mood>
            <hobbies>["chess"]</hobbies>
            <address>
            {"city": "Oslo", "zip": 150}
            </address>
            """;

    @Test
    void wellFormed() {
        assertThat(a.parse(TYPED, WELL_FORMED))
                .containsExactly(
                        Map.entry("age", 36),
                        Map.entry("height", 1.68),
                        Map.entry("adult", false),
                        Map.entry("mood", Mood.SAD),
                        Map.entry("hobbies", List.of("chess")),
                        Map.entry("address", new Address("Oslo", 150)));
    }

    @Test
    void reorderedAndSurroundedByProse() {
        String c = """
                Let me answer.
                <address>{"city": "Oslo", "zip": 150}</address> <hobbies>["chess"]</hobbies>
                <mood>sad</mood><adult>FALSE</adult><height> 1.68 </height><age>36</age> Done.""";
        assertThat(a.parse(TYPED, c)).isEqualTo(a.parse(TYPED, WELL_FORMED));
    }

    @Test
    void fencedJsonInsideTags() {
        String c = WELL_FORMED.replace(
                "{\"city\": \"Oslo\", \"zip\": 150}", "```json\n{\"city\": \"Oslo\", \"zip\": 150}\n```");
        assertThat(a.parse(TYPED, c)).isEqualTo(a.parse(TYPED, WELL_FORMED));
    }

    @Test
    void partialCompletion() {
        AdapterParseException e = catchThrowableOfType(
                AdapterParseException.class, () -> a.parse(TYPED, "<age>36</age><mood>SAD</mood><height>1.7"));
        assertThat(e.missing()).containsExactly("adult", "hobbies", "address");
        assertThat(e.unparsable().get("height")).contains("is not closed: <height> has no </height>");
        assertThat(e.getMessage()).startsWith("XmlAdapter");
    }

    @Test
    void malformedValues() {
        String bad = WELL_FORMED.replace("36", "36.6").replace("[\"chess\"]", "chess, rowing");
        AdapterParseException e = catchThrowableOfType(AdapterParseException.class, () -> a.parse(TYPED, bad));
        assertThat(e.unparsable()).containsOnlyKeys("age", "hobbies");
        assertThat(e.unparsable().get("hobbies")).contains("is not valid JSON");
    }

    @Test
    void firstTagWinsAndMultilineStringsKeepTheirLines() {
        Signature s = Signature.parse("q -> answer");
        assertThat(a.parse(s, "<answer>\nline one\nline two\n</answer><answer>other</answer>"))
                .containsEntry("answer", "line one\nline two");
    }
}
