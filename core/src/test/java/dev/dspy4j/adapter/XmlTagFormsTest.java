package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.signature.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tag forms models write besides the bare {@code <name>}: CDATA sections (kept as written, their
 * markup not mistaken for tags) and attributes on the opening tag.
 */
class XmlTagFormsTest {
    private final XmlAdapter a = XmlAdapter.create();
    private static final Signature CODE = Signature.parse("task -> code");

    private String error(Signature s, String completion, String field) {
        AdapterParseException e = catchThrowableOfType(AdapterParseException.class, () -> a.parse(s, completion));
        assertThat(e).as(completion).isNotNull();
        return e.unparsable().get(field);
    }

    @Test
    void aCdataSectionIsTheTextItHoldsNotUnescaped() {
        assertThat(a.parse(CODE, "<code><![CDATA[if a < b && c: pass]]></code>"))
                .containsEntry("code", "if a < b && c: pass");
        assertThat(a.parse(CODE, "<code>\n<![CDATA[x &amp; y]]> &amp; z\n</code>"))
                .as("inside CDATA an entity is text; outside it is decoded")
                .containsEntry("code", "x &amp; y & z");
        assertThat(a.parse(CODE, "<code><![CDATA[print('</code>')]]></code>"))
                .as("a closing tag inside CDATA is text")
                .containsEntry("code", "print('</code>')");
        assertThat(a.parse(CODE, "<code><![CDATA[<code>x</code>]]></code>")).containsEntry("code", "<code>x</code>");
        assertThat(a.parse(Signature.parse("q -> items: list[str]"), "<items><![CDATA[['a<b', 'c']]]></items>"))
                .containsEntry("items", List.of("a<b", "c"));
    }

    @Test
    void anUnclosedCdataSectionIsAnError() {
        assertThat(error(CODE, "<code><![CDATA[x</code>", "code"))
                .contains("CDATA")
                .contains("]]>");
    }

    @Test
    void attributesOnTheOpeningTagAreIgnored() {
        assertThat(a.parse(CODE, "<code lang=\"python\">print(1)</code>")).containsEntry("code", "print(1)");
        assertThat(a.parse(CODE, "<code lang='a/b' >x</code>")).containsEntry("code", "x");
        assertThat(a.parse(Signature.parse("q -> items: list[str]"), "<items type=\"list\" />"))
                .containsEntry("items", List.of());
        assertThat(error(CODE, "<code lang=\"py\"><code>x</code></code>", "code"))
                .contains("holds its own tag <code>");
        assertThat(error(CODE, "<code>x<code lang=\"py\">y</code></code>", "code"))
                .contains("holds its own tag <code>");
        // a longer name that starts with the field's is another tag
        assertThat(a.parse(CODE, "<codes>no</codes><code>yes</code>")).containsEntry("code", "yes");
    }
}
