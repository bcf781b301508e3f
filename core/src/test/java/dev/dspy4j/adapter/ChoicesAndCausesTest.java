package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A wrong value names the field, the value and what is allowed; wrapped choices read as the choice. */
class ChoicesAndCausesTest {
    private static final Signature SENTIMENT =
            Signature.parse("text -> sentiment: Literal['positive', 'negative', 'neutral']");

    @Test
    void aChoiceOutsideTheLiteralNamesFieldValueAndChoicesEvenAfterTheFallback() {
        ScriptedLm lm =
                ScriptedLm.of("[[ ## sentiment ## ]]\nmixed\n\n[[ ## completed ## ]]", "{\"sentiment\": \"mixed\"}");
        AdapterParseException e = catchThrowableOfType(
                AdapterParseException.class,
                () -> Predict.of(SENTIMENT).withLm(lm).call(Map.of("text", "so-so")));
        assertThat(lm.requests()).hasSize(2);
        assertThat(e.getMessage())
                .startsWith("ChatAdapter")
                .contains("field 'sentiment': value 'mixed' is not one of [positive, negative, neutral]")
                .doesNotContain("not a JSON object");
    }

    @Test
    void aWordForAnIntegerNamesFieldAndValueWhateverTheFallbackAnswers() {
        Signature s = Signature.parse("question -> answer: int");
        for (String fallback : List.of("not JSON at all", "{\"answer\": \"seven\"}", "{}")) {
            ScriptedLm lm = ScriptedLm.of("[[ ## answer ## ]]\nseven\n\n[[ ## completed ## ]]", fallback);
            AdapterParseException e = catchThrowableOfType(
                    AdapterParseException.class, () -> Predict.of(s).withLm(lm).call(Map.of("question", "3 + 4?")));
            assertThat(e.getMessage())
                    .as(fallback)
                    .startsWith("ChatAdapter")
                    .contains("field 'answer': value 'seven' is not an integer");
            assertThat(e.getSuppressed()).as(fallback).hasSize(1);
        }
    }

    @Test
    void theFallbackStillAnswersWhenItCan() {
        ScriptedLm lm = ScriptedLm.of("[[ ## sentiment ## ]]\nmixed", "{\"sentiment\": \"neutral\"}");
        assertThat(Predict.of(SENTIMENT)
                        .withLm(lm)
                        .call(Map.of("text", "so-so"))
                        .getString("sentiment"))
                .isEqualTo("neutral");
    }

    @Test
    void wrappedChoicesReadAsTheChoice() {
        ChatAdapter chat = ChatAdapter.create();
        for (String written : List.of(
                "Literal[positive]",
                "str[positive]",
                "\"positive\"",
                "positive.",
                "Literal['positive']",
                "`positive`",
                "'Positive'.",
                "Literal[\"positive\"]")) {
            assertThat(chat.parse(SENTIMENT, "[[ ## sentiment ## ]]\n" + written))
                    .as(written)
                    .containsEntry("sentiment", "positive");
        }
        assertThat(JsonAdapter.create().parse(SENTIMENT, "{\"sentiment\": \"Literal['negative']\"}"))
                .containsEntry("sentiment", "negative");
        assertThat(XmlAdapter.create().parse(SENTIMENT, "<sentiment>neutral.</sentiment>"))
                .containsEntry("sentiment", "neutral");
        Signature tags = Signature.parse("text -> tags: list[Literal['a', 'b']]");
        assertThat(chat.parse(tags, "[[ ## tags ## ]]\n['a.', \"Literal['b']\"]"))
                .containsEntry("tags", List.of("a", "b"));
    }

    @Test
    void unwrappingNeverInventsAChoice() {
        ChatAdapter chat = ChatAdapter.create();
        for (String written : List.of("Literal[mixed]", "positive or negative", "[positive, negative]", "positive!")) {
            AdapterParseException e = catchThrowableOfType(
                    AdapterParseException.class, () -> chat.parse(SENTIMENT, "[[ ## sentiment ## ]]\n" + written));
            assertThat(e).as(written).isNotNull();
            assertThat(e.unparsable().get("sentiment")).as(written).contains("is not one of");
        }
    }
}
