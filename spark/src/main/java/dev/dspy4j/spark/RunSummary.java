package dev.dspy4j.spark;

import dev.dspy4j.cli.RowCounts;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What {@link SparkJob} reports after a run, counted from the output it wrote (two small columns, so
 * the program never runs again): rows, rows with an error by {@code error_type}, rows served from the
 * cache.
 *
 * @param rows   every row written
 * @param cached rows without an error whose answer came from the cache
 * @param errors rows with an error, by error type, sorted by type
 */
record RunSummary(long rows, long cached, Map<String, Long> errors) {

    /** Counts the rows of {@code written} by their {@code error_type} and {@code cached} columns. */
    static RunSummary of(Dataset<Row> written) {
        List<Row> counts = written.groupBy(functions.col(OutputColumns.ERROR_TYPE), functions.col(OutputColumns.CACHED))
                .count()
                .collectAsList();
        long rows = 0;
        long cached = 0;
        Map<String, Long> errors = new TreeMap<>();
        for (Row r : counts) {
            long n = r.getLong(2);
            rows += n;
            if (r.isNullAt(0)) {
                if (r.getBoolean(1)) cached += n;
            } else {
                errors.merge(r.getString(0), n, Long::sum);
            }
        }
        return new RunSummary(rows, cached, errors);
    }

    /** Rows with an error. */
    long failed() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The summary line: {@code 3 rows: 2 ok, 1 error (lm 1), 0 from the cache, 1.2 s (2.5 rows/s); output in OUT}.
     */
    String line(double seconds, String out) {
        return RowCounts.line(rows, errors, cached)
                + String.format(
                        Locale.ROOT,
                        ", %.1f s (%.1f rows/s); output in %s",
                        seconds,
                        rows / Math.max(seconds, 1e-9),
                        out);
    }
}
