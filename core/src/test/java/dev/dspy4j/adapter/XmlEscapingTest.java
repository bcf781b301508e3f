package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XmlAdapter values are escaped into prompts and unescaped out of completions; broken tags are errors. */
class XmlEscapingTest {
    private final XmlAdapter a = XmlAdapter.create();
    private static final Signature CODE = Signature.parse("task -> code");

    @Test
    void valuesAreEscapedInTheUserMessageAndInDemoAnswers() {
        List<Example> demos = List.of(Example.of("task", "compare a<b & b>c", "code", "if a < b && b > c: pass"));
        Prompt p = a.format(CODE, demos, Map.of("task", "print </task> & <code>"));
        String text = PromptText.render(p);
        assertThat(text)
                .contains("<task>\ncompare a&lt;b &amp; b&gt;c\n</task>")
                .contains("<code>\nif a &lt; b &amp;&amp; b &gt; c: pass\n</code>")
                .contains("<task>\nprint &lt;/task&gt; &amp; &lt;code&gt;\n</task>")
                .doesNotContain("print </task>");
    }

    @Test
    void structuredValuesAreEscapedToo() {
        Signature s = Signature.parse("items: list[str] -> n: int");
        String text = PromptText.render(a.format(s, List.of(), Map.of("items", List.of("<b>", "x & y"))));
        assertThat(text).contains("<items>\n[\"&lt;b&gt;\", \"x &amp; y\"]\n</items>");
    }

    @Test
    void valuesAreUnescapedWhenRead() {
        assertThat(a.parse(CODE, "<code>\nprint('&lt;/code> &amp; done')\n</code>"))
                .containsEntry("code", "print('</code> & done')");
        assertThat(a.parse(CODE, "<code>&quot;a&quot; &apos;b&apos; &#60;&#x3E; &amp;lt; AT&T</code>"))
                .containsEntry("code", "\"a\" 'b' <> &lt; AT&T");
        Signature s = Signature.parse("q -> xs: list[str]");
        assertThat(a.parse(s, "<xs>[\"&lt;b&gt;\", 'x &amp; y']</xs>")).containsEntry("xs", List.of("<b>", "x & y"));
    }

    @Test
    void writingThenReadingGivesTheValueBack() {
        for (String v : List.of("a < b", "</code>", "x &amp; y", "&lt;", "<code>nested</code>")) {
            String answer = a.answer(CODE.outputs(), Map.of("code", v), true);
            assertThat(a.parse(CODE, answer)).as(v).containsEntry("code", v);
        }
    }

    @Test
    void aValueHoldingItsOwnTagIsAnErrorNotCutShort() {
        AdapterParseException e = catchThrowableOfType(
                AdapterParseException.class, () -> a.parse(CODE, "<code><p>Use <code>x</code> here</p></code>"));
        assertThat(e.unparsable().get("code")).contains("holds its own tag <code>");

        e = catchThrowableOfType(
                AdapterParseException.class, () -> a.parse(CODE, "<code>\nprint('</code> & done')\n</code>"));
        assertThat(e.unparsable().get("code")).contains("holds its own closing tag </code>");
    }

    @Test
    void anUnclosedTagIsAnError() {
        AdapterParseException e =
                catchThrowableOfType(AdapterParseException.class, () -> a.parse(CODE, "<code>print(1)"));
        assertThat(e.unparsable().get("code")).contains("<code> has no </code>");
    }

    @Test
    void aSelfClosingTagIsAnEmptyValue() {
        Signature s = Signature.parse("q -> items: list[str], tags: dict[str, int], note, hint: Optional[str]");
        assertThat(a.parse(s, "<items />\n<tags/>\n<note/>\n<hint />"))
                .containsEntry("items", List.of())
                .containsEntry("tags", Map.of())
                .containsEntry("note", "")
                .containsEntry("hint", null);
    }

    @Test
    void aRepeatedFieldStillTakesTheFirstValue() {
        assertThat(a.parse(CODE, "<code>a</code> then <code>b</code>")).containsEntry("code", "a");
    }
}
