package dev.dspy4j.spark;

import dev.dspy4j.adapter.AdapterParseException;
import dev.dspy4j.cli.Dataset.RowException;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.UnsupportedInputException;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Field;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;

/**
 * One partition of a run, on an executor: takes the program built once in this JVM
 * ({@link ExecutorPrograms}), runs the rows on the configured threads and returns each input row with
 * the output columns, {@code error}, {@code error_type} and {@code cached}. A row whose inputs cannot
 * be read or whose call fails gets an error; it never fails the task.
 */
final class RowTask implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** Test hook: fails the first attempt of one partition's task after some rows, with no row running. */
    record FailFirstAttempt(int partition, int afterRows) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** How many task attempts the test hook has failed in this JVM. */
    static final java.util.concurrent.atomic.AtomicInteger INJECTED_FAILURES =
            new java.util.concurrent.atomic.AtomicInteger();

    private final String key;
    private final Broadcast<ProgramBundle> program;
    private final Broadcast<SerializableConfiguration> hadoop;
    private final LmFactory lm;
    private final CacheFactory cache;
    private final int threads;
    private final HashMap<String, String> columns;
    private final String mediaBase;
    private final StructType schema;
    private final FailFirstAttempt failure;

    RowTask(
            String key,
            Broadcast<ProgramBundle> program,
            Broadcast<SerializableConfiguration> hadoop,
            LmFactory lm,
            CacheFactory cache,
            int threads,
            Map<String, String> columns,
            String mediaBase,
            StructType schema,
            FailFirstAttempt failure) {
        this.key = key;
        this.program = program;
        this.hadoop = hadoop;
        this.lm = lm;
        this.cache = cache;
        this.threads = threads;
        this.columns = new HashMap<>(columns);
        this.mediaBase = mediaBase;
        this.schema = schema;
        this.failure = failure;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ExecutorPrograms.Loaded loaded = ExecutorPrograms.get(key, program::value, lm, cache);
        RowInputs inputs = new RowInputs(
                loaded.signature().inputs(), columns, hadoop.value().value(), mediaBase);
        OrderedRows<Row, Row> out = new OrderedRows<>(rows, threads, row -> run(loaded, inputs, row));
        TaskContext ctx = TaskContext.get();
        if (ctx != null) ctx.addTaskCompletionListener((TaskCompletionListener) c -> out.close());
        if (failure == null || ctx == null || ctx.attemptNumber() > 0 || ctx.partitionId() != failure.partition())
            return out;
        return new Iterator<>() {
            private int taken;

            @Override
            public boolean hasNext() {
                return out.hasNext();
            }

            @Override
            public Row next() {
                if (taken == failure.afterRows()) {
                    out.awaitRunning(); // the rows read ahead finish and reach the cache, as a slow failure would
                    // let them
                    INJECTED_FAILURES.incrementAndGet();
                    throw new IllegalStateException("test hook: the first attempt of partition " + failure.partition()
                            + " fails after " + taken + " rows");
                }
                taken++;
                return out.next();
            }
        };
    }

    private Row run(ExecutorPrograms.Loaded loaded, RowInputs inputs, Row row) {
        List<Field> outputs = loaded.signature().outputs();
        int n = row.length();
        Object[] values = new Object[n + outputs.size() + 3];
        for (int i = 0; i < n; i++) values[i] = row.get(i);
        RowCache rc = loaded.cache();
        if (rc != null) rc.startRow();
        String error = null;
        String type = null;
        boolean cached;
        try {
            Prediction p = loaded.program().call(inputs.of(row));
            Map<String, Object> got = p.toMap();
            for (int i = 0; i < outputs.size(); i++) {
                Field f = outputs.get(i);
                values[n + i] = OutputColumns.value(got.get(f.name()), f.type());
            }
            cached = p.cacheHit();
        } catch (RowException | PayloadException | UnsupportedInputException e) {
            error = e.getMessage();
            type = "input";
            cached = rc != null && rc.rowHit();
        } catch (AdapterParseException e) {
            error = e.getMessage();
            type = "parse";
            cached = rc != null && rc.rowHit();
        } catch (LmException e) {
            error = e.getMessage();
            type = "lm";
            cached = rc != null && rc.rowHit();
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            type = "error";
            cached = rc != null && rc.rowHit();
        }
        values[n + outputs.size()] = error;
        values[n + outputs.size() + 1] = type;
        values[n + outputs.size() + 2] = cached;
        return new GenericRowWithSchema(values, schema);
    }
}
