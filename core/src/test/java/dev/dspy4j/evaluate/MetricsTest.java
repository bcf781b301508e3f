package dev.dspy4j.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void normalizeLowercasesStripsPunctuationAndArticlesAndCollapsesWhitespace() {
        assertThat(Metrics.normalize("  The  Eiffel-Tower!\n")).isEqualTo("eiffeltower");
        assertThat(Metrics.normalize("An apple, a day.")).isEqualTo("apple day");
        assertThat(Metrics.normalize("Théâtre")).isEqualTo("theatre");
        assertThat(Metrics.normalize("theory")).isEqualTo("theory");
        assertThat(Metrics.normalize(null)).isEmpty();
    }

    @Test
    void exactMatchComparesNormalizedText() {
        assertThat(Metrics.exactMatch("The Paris.", "paris")).isTrue();
        assertThat(Metrics.exactMatch("Paris, France", "paris")).isFalse();
    }

    @Test
    void tokenF1CountsSharedTokens() {
        // prediction tokens: [paris, france, capital]; gold: [paris]; common 1 -> p=1/3, r=1 -> f1=0.5
        assertThat(Metrics.tokenF1("Paris, France capital", "Paris")).isCloseTo(0.5, within(1e-9));
        assertThat(Metrics.tokenF1("the cat sat", "a cat sat")).isCloseTo(1.0, within(1e-9));
        assertThat(Metrics.tokenF1("dog", "cat")).isZero();
        assertThat(Metrics.tokenF1("", "")).isEqualTo(1.0);
        assertThat(Metrics.tokenF1("the", "cat")).isZero();
        // repeated tokens count at most as often as in the gold: common 1 of p=2, r=1 -> 2/3
        assertThat(Metrics.tokenF1("cat cat", "cat")).isCloseTo(2.0 / 3, within(1e-9));
    }

    @Test
    void answerInPassageMatchesWholeNormalizedWords() {
        assertThat(Metrics.answerInPassage("Eiffel Tower", "The tower, known as the eiffel tower, is tall."))
                .isTrue();
        assertThat(Metrics.answerInPassage("cat", "concatenate")).isFalse();
        assertThat(Metrics.answerInPassage("", "anything")).isFalse();
    }

    @Test
    void metricsReadFieldsAndAcceptListsOfGoldAnswers() {
        Example ex = Example.of("question", "q", "answer", List.of("NYC", "New York City"))
                .withInputs("question");
        assertThat(Metrics.exactMatch().score(ex, Prediction.of(Map.of("answer", "new york city"))))
                .isEqualTo(1.0);
        assertThat(Metrics.exactMatch().score(ex, Prediction.of(Map.of("answer", "Boston"))))
                .isZero();
        assertThat(Metrics.f1().score(ex, Prediction.of(Map.of("answer", "New York"))))
                .isCloseTo(0.8, within(1e-9));

        Example withContext = Example.of(
                        "question", "q", "answer", "Paris", "context", List.of("Rome is old.", "Paris is big."))
                .withInputs("question");
        assertThat(Metrics.passageMatch().score(withContext, Prediction.of(Map.of("answer", "x"))))
                .isEqualTo(1.0);
        // the prediction's own passages win over the example's
        assertThat(Metrics.passageMatch().score(withContext, Prediction.of(Map.of("context", "Nothing here."))))
                .isZero();
    }

    @Test
    void missingFieldsAreNamed() {
        Example ex = Example.of("question", "q", "answer", "a").withInputs("question");
        assertThatThrownBy(() -> Metrics.exactMatch().score(ex, Prediction.of(Map.of("other", "a"))))
                .hasMessageContaining("the prediction has no field 'answer'");
        assertThatThrownBy(() -> Metrics.exactMatch("label").score(ex, Prediction.of(Map.of("label", "a"))))
                .hasMessageContaining("the example has no gold field 'label'");
    }

    @Test
    void booleanMetricsScoreOneOrZero() {
        Metric m = Metric.of((e, p) -> p.getString("answer").length() > 2);
        Example ex = Example.of("q", "x").withInputs("q");
        assertThat(m.score(ex, Prediction.of(Map.of("answer", "long")))).isEqualTo(1.0);
        assertThat(m.score(ex, Prediction.of(Map.of("answer", "no")))).isEqualTo(0.0);
    }
}
