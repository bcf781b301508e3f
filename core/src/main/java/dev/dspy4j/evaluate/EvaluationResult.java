package dev.dspy4j.evaluate;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dspy4j.lm.LmHistory;
import dev.dspy4j.media.Media;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.module.Trace;
import dev.dspy4j.signature.Example;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outcome of an {@link Evaluate} run: one row per example, in dev-set order, and the aggregate.
 *
 * <p>{@link #mean()} is the mean of the row scores (failed rows count with the failure score);
 * {@link #score()} is that mean as a percentage (mean × 100), as DSPy reports it. Export writes
 * media values as a short description (kind, type, size, digest), never their bytes.
 *
 * @param rows every example's row, in dev-set order
 */
public record EvaluationResult(List<Row> rows) {

    /**
     * One example's result.
     *
     * @param index      position in the dev set
     * @param example    the example
     * @param prediction the program's prediction, or null if the run failed
     * @param score      the metric's score, or the failure score
     * @param error      what failed (the run or the metric), or null
     * @param feedback   the metric's full result (score and text feedback), or null if the run or metric failed
     * @param trace      the predictor calls of the run, in order (empty if the run failed)
     */
    public record Row(
            int index,
            Example example,
            Prediction prediction,
            double score,
            Throwable error,
            ScoreWithFeedback feedback,
            List<Trace.Step> trace) {
        /**
         * Copies {@code trace}.
         *
         * @param index position in the dev set
         * @param example the example
         * @param prediction the prediction, or null
         * @param score the score
         * @param error the failure, or null
         * @param feedback the metric's result, or null
         * @param trace the predictor calls; null is taken as empty
         */
        public Row {
            trace = trace == null ? List.of() : List.copyOf(trace);
        }

        /**
         * A row without metric feedback or trace.
         *
         * @param index position in the dev set
         * @param example the example
         * @param prediction the program's prediction, or null if the run failed
         * @param score the metric's score, or the failure score
         * @param error what failed, or null
         */
        public Row(int index, Example example, Prediction prediction, double score, Throwable error) {
            this(index, example, prediction, score, error, null, List.of());
        }

        /** {@return true if the run and the metric succeeded (no error)} */
        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Copies the rows.
     *
     * @param rows the rows, in dev-set order
     *
     * @throws NullPointerException if {@code rows} or a row is null
     */
    public EvaluationResult {
        rows = List.copyOf(rows);
    }

    /** {@return the mean row score, failed rows included with their failure score (0 for no rows)} */
    public double mean() {
        return rows.stream().mapToDouble(Row::score).average().orElse(0.0);
    }

    /** {@return the mean row score as a percentage, {@code 100 * mean()}, as DSPy's {@code Evaluate} reports it} */
    public double score() {
        return 100.0 * mean();
    }

    /** {@return the number of rows whose run or metric failed} */
    public int failures() {
        return (int) rows.stream().filter(r -> !r.ok()).count();
    }

    /**
     * The rows as plain JSON-like maps.
     *
     * @return per row, in order: {@code index}, {@code example}, {@code prediction} (null if the run
     *     failed), {@code score}, {@code error} (class and message, or null), and {@code feedback} /
     *     {@code predictor_feedback} when the metric gave them; media values are described, records and
     *     enums turned into maps and names
     */
    public List<Map<String, Object>> toMaps() {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("index", r.index());
            m.put("example", plain(r.example().toMap()));
            m.put(
                    "prediction",
                    r.prediction() == null ? null : plain(r.prediction().toMap()));
            m.put("score", r.score());
            m.put("error", r.error() == null ? null : errorText(r.error()));
            if (r.feedback() != null && r.feedback().feedback() != null)
                m.put("feedback", r.feedback().feedback());
            if (r.feedback() != null && !r.feedback().predictorFeedback().isEmpty()) {
                m.put("predictor_feedback", r.feedback().predictorFeedback());
            }
            out.add(m);
        }
        return out;
    }

    /**
     * Writes {@code {"score": .., "mean": .., "failures": .., "rows": [...]}} as pretty-printed UTF-8
     * JSON, the rows as {@link #toMaps()}.
     *
     * @param file the file, created or replaced
     * @throws UncheckedIOException naming the file if it cannot be written
     */
    public void writeJson(Path file) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("score", score());
        doc.put("mean", mean());
        doc.put("failures", failures());
        doc.put("rows", toMaps());
        try (OutputStream out = Files.newOutputStream(file);
                JsonGenerator g = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            JSON.writerWithDefaultPrettyPrinter().writeValue(g, doc);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write evaluation JSON to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes one CSV row per example (RFC 4180 quoting): {@code index}, each example field, each
     * prediction field prefixed {@code pred_}, {@code score}, {@code error}. Non-string values are
     * written as JSON; lines end in CRLF; UTF-8.
     *
     * @param file the file, created or replaced
     * @throws UncheckedIOException naming the file if it cannot be written
     */
    public void writeCsv(Path file) {
        Set<String> exampleKeys = new LinkedHashSet<>();
        Set<String> predKeys = new LinkedHashSet<>();
        for (Row r : rows) {
            exampleKeys.addAll(r.example().keys());
            if (r.prediction() != null) predKeys.addAll(r.prediction().keys());
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            List<String> header = new ArrayList<>();
            header.add("index");
            header.addAll(exampleKeys);
            for (String k : predKeys) header.add("pred_" + k);
            header.add("score");
            header.add("error");
            writeCsvLine(w, header);
            for (Row r : rows) {
                List<String> cells = new ArrayList<>();
                cells.add(Integer.toString(r.index()));
                for (String k : exampleKeys) cells.add(cell(r.example().get(k)));
                for (String k : predKeys)
                    cells.add(r.prediction() == null ? "" : cell(r.prediction().get(k)));
                cells.add(Double.toString(r.score()));
                cells.add(r.error() == null ? "" : errorText(r.error()));
                writeCsvLine(w, cells);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write evaluation CSV to " + file + ": " + e.getMessage(), e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private static String errorText(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String cell(Object v) {
        if (v == null) return "";
        Object p = plain(v);
        if (p instanceof String s) return s;
        try {
            return JSON.writeValueAsString(p);
        } catch (IOException e) {
            return String.valueOf(p);
        }
    }

    private static void writeCsvLine(Writer w, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) w.write(',');
            String c = cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                w.write('"');
                w.write(c.replace("\"", "\"\""));
                w.write('"');
            } else {
                w.write(c);
            }
        }
        w.write("\r\n");
    }

    /** A JSON-safe copy of a value: media become descriptions, records become maps; payloads are never read. */
    static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) return v;
        if (v instanceof Media m) return LmHistory.describe(m);
        if (v instanceof Enum<?> e) return e.name();
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object x : c) out.add(plain(x));
            return out;
        }
        if (v instanceof Record r) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent rc : r.getClass().getRecordComponents()) {
                try {
                    rc.getAccessor().setAccessible(true);
                    out.put(rc.getName(), plain(rc.getAccessor().invoke(r)));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    out.put(rc.getName(), "<unreadable>");
                }
            }
            return out;
        }
        return v.toString();
    }
}
