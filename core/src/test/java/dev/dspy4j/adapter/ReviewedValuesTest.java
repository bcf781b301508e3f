package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.OneValue.chatError;
import static dev.dspy4j.adapter.OneValue.chatValue;
import static dev.dspy4j.adapter.OneValue.jsonValue;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Neighbours of issue 9's examples found in review: a value reads the same in the chat and JSON
 * adapters (a quoted union value is a string in both), a bool is a choice read like a Literal's
 * (wrapped in quotes, emphasis or a final period), a choice in Markdown emphasis, and Python numbers with a signed exponent.
 */
class ReviewedValuesTest {
    @Test
    void aQuotedUnionValueIsAStringInTheChatAdapterAsInTheJsonAdapter() {
        assertThat(jsonValue("int | str", "\"12\"")).isEqualTo("12");
        assertThat(chatValue("int | str", "\"12\"")).isEqualTo("12");
        assertThat(chatValue("str | int", "\"12\"")).isEqualTo("12");
        assertThat(chatValue("int | str", "'12'")).isEqualTo("12");
        // unquoted, the other options still come first, whatever the order of declaration
        assertThat(chatValue("int | str", "12")).isEqualTo(12L);
        assertThat(chatValue("str | int", "12")).isEqualTo(12L);
        assertThat(chatValue("bool | str", "True")).isEqualTo(true);
        assertThat(chatValue("int | str", "2024-01-01")).isEqualTo("2024-01-01");
        assertThat(chatValue("int | str", "twelve")).isEqualTo("twelve");
        assertThat(chatValue("list[int] | str", "```python\n[1, 2]\n```")).isEqualTo(List.of(1L, 2L));
        assertThat(chatValue("Optional[int | str]", "\"7\"")).isEqualTo("7");
        // without a str option, quotes are only a wrapper, as for an int field
        assertThat(chatValue("int | bool", "\"12\"")).isEqualTo(12L);
        assertThat(jsonValue("int | bool", "\"12\"")).isEqualTo(12L);
        assertThat(chatError("int | bool", "\"twelve\"")).contains("fits none of Union[int, bool]");
    }

    @Test
    void aBoolIsAChoiceReadLikeALiteral() {
        assertThat(chatValue("bool", "true.")).isEqualTo(true);
        assertThat(chatValue("bool", "`False`")).isEqualTo(false);
        assertThat(chatValue("bool", "**True**")).isEqualTo(true);
        assertThat(chatValue("bool", "\"FALSE\".")).isEqualTo(false);
        assertThat(jsonValue("bool", "\"true.\"")).isEqualTo(true);
        assertThat(jsonValue("list[bool]", "['False.', True]")).isEqualTo(List.of(false, true));
        // still never guessed: yes/no and 1/0 are not what a bool field asks for
        assertThat(chatError("bool", "yes")).contains("'yes' is not true or false");
        assertThat(chatError("bool", "maybe")).contains("'maybe'").contains("true or false");
        assertThat(chatError("bool", "1")).contains("'1'").contains("true or false");
    }

    @Test
    void aChoiceInMarkdownEmphasisReadsAsTheChoice() {
        assertThat(chatValue("Literal['positive', 'negative']", "**positive**")).isEqualTo("positive");
        assertThat(chatValue("Literal['positive', 'negative']", "*Negative*.")).isEqualTo("negative");
        assertThat(chatError("Literal['positive', 'negative']", "**mixed**"))
                .contains("'**mixed**'")
                .contains("[positive, negative]");
    }

    @Test
    void pythonNumbersWithDigitGroupsAndASignedExponent() {
        assertThat(chatValue("float", "1_0e-3")).isEqualTo(0.01);
        assertThat(chatValue("list[float]", "[1_0e-3, 2.5e+1_0]")).isEqualTo(List.of(0.01, 2.5e10));
        assertThat(chatValue("list[str]", "['1_0e-3']")).isEqualTo(List.of("1_0e-3"));
    }
}
