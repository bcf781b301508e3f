package dev.dspy4j.cli;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The counts that open a run's summary line, shared by {@code dspy4j run} and the Spark job so both
 * say it the same way: {@code 3 rows: 2 ok, 1 error (lm 1), 0 from the cache}.
 */
public final class RowCounts {
    private RowCounts() {}

    /**
     * Formats the counts: rows, the rows without an error ({@code rows} minus the errors' sum), the
     * errors with their types in name order ({@code (lm 2, parse 1)}, left out when there are none), and
     * the rows from the cache; "row" and "error" in the singular for exactly one.
     *
     * @param rows   every row counted, with or without an error
     * @param errors rows with an error, by error type (any map; not changed)
     * @param cached rows whose answer came from the cache
     * @return the counts, with no trailing punctuation, for the caller to append the rest of its line to
     */
    public static String line(long rows, Map<String, Long> errors, long cached) {
        long failed = errors.values().stream().mapToLong(Long::longValue).sum();
        StringBuilder s = new StringBuilder();
        s.append(rows)
                .append(rows == 1 ? " row: " : " rows: ")
                .append(rows - failed)
                .append(" ok, ")
                .append(failed)
                .append(failed == 1 ? " error" : " errors");
        if (failed > 0) {
            s.append(" (")
                    .append(new TreeMap<>(errors)
                            .entrySet().stream()
                                    .map(e -> e.getKey() + " " + e.getValue())
                                    .collect(Collectors.joining(", ")))
                    .append(')');
        }
        return s.append(", ").append(cached).append(" from the cache").toString();
    }
}
