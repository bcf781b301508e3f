package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.signature.Signature;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset row's Literal values: each choice in its own JSON type, the value being the choice itself. */
class DatasetLiteralTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Object value(String type, String json) throws Exception {
        Dataset dataset = new Dataset(dir.resolve("rows.jsonl"));
        Map<String, Object> in = dataset.inputs(
                JSON.readTree("{\"v\": " + json + "}"),
                Signature.parse("v: " + type + " -> answer").inputs());
        return in.get("v");
    }

    @Test
    void numberAndBoolChoicesAreReadFromJsonNumbersAndBooleans() throws Exception {
        assertThat(value("Literal[1, 0]", "1")).isEqualTo(1L);
        assertThat(value("Literal[1, 0]", "\"0\""))
                .as("the choice as text, as before")
                .isEqualTo(0L);
        assertThat(value("list[Literal[1, 0]]", "[1, 0, 1]")).isEqualTo(List.of(1L, 0L, 1L));
        assertThat(value("Literal[True, False]", "false")).isEqualTo(false);
        assertThat(value("Literal[0.5, 1]", "0.5")).isEqualTo(0.5);
        assertThat(value("Literal['a', 1]", "1")).isEqualTo(1L);
        assertThat(value("Literal['a', 1]", "\"a\"")).isEqualTo("a");
        assertThat(value("Optional[Literal[1, 0]]", "null")).isNull();
    }

    @Test
    void aValueOutsideTheChoicesNamesFieldValueAndChoices() {
        assertThatThrownBy(() -> value("Literal[1, 0]", "2"))
                .hasMessageContaining("field 'v'")
                .hasMessageContaining("2")
                .hasMessageContaining("[1, 0]");
        assertThatThrownBy(() -> value("Literal[1, 0]", "true"))
                .hasMessageContaining("field 'v'")
                .hasMessageContaining("true")
                .hasMessageContaining("[1, 0]");
        assertThatThrownBy(() -> value("Literal['a', 'b']", "\"c\""))
                .hasMessageContaining("field 'v'")
                .hasMessageContaining("'c'")
                .hasMessageContaining("[a, b]");
        assertThatThrownBy(() -> value("Literal['a', 'b']", "[1]"))
                .hasMessageContaining("field 'v'")
                .hasMessageContaining("[a, b]");
    }
}
