package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counts both {@code run} and the Spark job open their summary line with. */
class RowCountsTest {
    @Test
    void errorTypesAreListedInNameOrderWhateverTheMapOrder() {
        Map<String, Long> errors = new LinkedHashMap<>();
        errors.put("parse", 1L);
        errors.put("lm", 2L);
        assertThat(RowCounts.line(10, errors, 4))
                .isEqualTo("10 rows: 7 ok, 3 errors (lm 2, parse 1), 4 from the cache");
    }

    @Test
    void oneRowAndOneErrorAreSingular() {
        assertThat(RowCounts.line(1, Map.of("input", 1L), 0))
                .isEqualTo("1 row: 0 ok, 1 error (input 1), 0 from the cache");
    }

    @Test
    void noErrorsLeaveOutTheParentheses() {
        assertThat(RowCounts.line(0, Map.of(), 0)).isEqualTo("0 rows: 0 ok, 0 errors, 0 from the cache");
    }
}
