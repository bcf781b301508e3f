package dev.dspy4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The output file of {@code dspy4j run}: one JSON object per line, each written whole and flushed
 * as its row finishes, so a reader, a killed run or an interrupted one only ever sees whole lines.
 *
 * <p>With {@code resume}, the whole lines of an existing file are kept (a cut-off last line, or
 * any line that is not a result object, is dropped) and their rows are not run again; a line whose
 * row is no longer in the dataset (a blank line now, or past its end), or whose {@code id} differs
 * from the row's now, is dropped too, so a changed dataset is not answered with stale lines; with
 * {@code retryFailed} as well, its error rows are dropped so they run again. The kept lines are
 * rewritten to a temporary file that atomically replaces the old one, then new lines are appended.
 */
final class ResultsFile implements Closeable {
    /** A line kept from an earlier run: its row and its error type (null when it succeeded). */
    record Kept(long row, String errorType, JsonNode id) {}

    private final BufferedWriter writer;
    private final Map<Long, Kept> kept;
    private final int dropped;

    private ResultsFile(BufferedWriter writer, Map<Long, Kept> kept, int dropped) {
        this.writer = writer;
        this.kept = kept;
        this.dropped = dropped;
    }

    /**
     * Opens {@code out} for a run.
     *
     * @param rows the dataset's rows now, line number to its {@code id} (a null node when it has
     *             none); an earlier line is kept only for a row here with the same id
     * @throws LmOptions.UsageException if {@code out} exists and {@code resume} is off
     */
    static ResultsFile open(Path out, boolean resume, boolean retryFailed, Map<Long, JsonNode> rows)
            throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        boolean exists = Files.exists(out);
        if (exists && !resume) {
            throw new LmOptions.UsageException(exists(out));
        }
        Map<Long, Kept> kept = new HashMap<>();
        int dropped = 0;
        if (exists) {
            List<String> keep = new ArrayList<>();
            String text = Files.readString(out, StandardCharsets.UTF_8);
            String[] lines = text.split("\n", -1);
            // the part after the last newline was never finished: a run writes a line and its newline at once
            for (int i = 0; i < lines.length - 1; i++) {
                String line = lines[i];
                Kept k = parse(line);
                if (k == null
                        || kept.containsKey(k.row())
                        || (retryFailed && k.errorType() != null)
                        || !rows.containsKey(k.row())
                        || !k.id().equals(rows.get(k.row()))) {
                    if (!line.isBlank()) dropped++;
                    continue;
                }
                kept.put(k.row(), k);
                keep.add(line);
            }
            if (!lines[lines.length - 1].isEmpty()) dropped++;
            Path tmp = Files.createTempFile(parent, out.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, keep, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        BufferedWriter w = Files.newBufferedWriter(
                out,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return new ResultsFile(w, kept, dropped);
    }

    /** The message refusing an existing output file. */
    static String exists(Path out) {
        return "--out " + out + " already exists; pass --resume to keep its finished rows and run the rest, "
                + "or choose another file (an output file is never overwritten)";
    }

    private static Kept parse(String line) {
        try {
            JsonNode n = Jsons.MAPPER.readTree(line);
            if (n == null
                    || !n.isObject()
                    || !n.path("row").canConvertToLong()
                    || !n.path("row").isIntegralNumber()) {
                return null;
            }
            JsonNode type = n.get("error_type");
            return new Kept(n.get("row").longValue(), type == null || type.isNull() ? null : type.asText(), idOf(n));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The {@code id} of a row or result object, a null node when it has none. */
    static JsonNode idOf(JsonNode n) {
        JsonNode id = n != null && n.isObject() ? n.get("id") : null;
        return id == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : id;
    }

    /** True if the row's line was kept from an earlier run. */
    boolean has(long row) {
        return kept.containsKey(row);
    }

    /** How many lines were kept from an earlier run. */
    int keptCount() {
        return kept.size();
    }

    /** Lines of the earlier output that were dropped (cut off, not a result, an error row to retry, or stale). */
    int dropped() {
        return dropped;
    }

    /** The kept rows' error counts by error type. */
    Map<String, Long> keptErrors() {
        Map<String, Long> m = new TreeMap<>();
        for (Kept k : kept.values()) if (k.errorType() != null) m.merge(k.errorType(), 1L, Long::sum);
        return m;
    }

    /** Appends one whole line and flushes it. */
    synchronized void write(String json) throws IOException {
        writer.write(json);
        writer.write('\n');
        writer.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        writer.close();
    }
}
