package dev.dspy4j.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ExampleTest {

    @Test
    void inputsAndLabels() {
        Example e = Example.of("question", "2+2?", "answer", "4", "source", "math").withInputs("question");
        assertThat(e.inputs()).containsExactly(Map.entry("question", "2+2?"));
        assertThat(e.labels()).containsOnlyKeys("answer", "source");
        assertThat(e.keys()).containsExactly("question", "answer", "source");
        assertThat(e.with("answer", "four").get("answer")).isEqualTo("four");
        assertThat(e.get("answer")).isEqualTo("4");
    }

    @Test
    void inputsRequireMarking() {
        Example e = Example.of("q", "x");
        assertThatThrownBy(e::inputs).isInstanceOf(IllegalStateException.class).hasMessageContaining("withInputs");
        assertThatThrownBy(() -> e.withInputs("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no field 'nope'");
        assertThatThrownBy(() -> Example.of("q")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void typedGettersConvert() {
        Prediction p = Prediction.of(Map.of("n", 4L, "xs", List.of(1L, 2L)));
        assertThat(p.get("n", Integer.class)).isEqualTo(4);
        assertThat(p.get("n", Long.class)).isEqualTo(4L);
        assertThat(p.getString("n")).isEqualTo("4");
        assertThatThrownBy(() -> p.get("missing", String.class)).isInstanceOf(NoSuchElementException.class)
                .hasMessageContaining("no field 'missing'");
        assertThatThrownBy(() -> p.get("xs", Integer.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field 'xs'");
    }

    @Test
    void predictionKeepsAllCompletions() {
        Prediction p = Prediction.of(List.of(Map.of("a", "1"), Map.of("a", "2")), dev.dspy4j.lm.Usage.ZERO, true);
        assertThat(p.get("a")).isEqualTo("1");
        assertThat(p.completions()).extracting(m -> m.get("a")).containsExactly("1", "2");
        assertThat(p.cacheHit()).isTrue();
    }
}
