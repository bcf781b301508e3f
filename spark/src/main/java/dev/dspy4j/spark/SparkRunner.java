package dev.dspy4j.spark;

import dev.dspy4j.media.Digest;
import dev.dspy4j.module.Module;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import dev.dspy4j.signature.Signature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Runs a dspy4j program over a Spark {@code Dataset<Row>}: the result has every input column, one
 * column per output field of the program, then {@code error}, {@code error_type} and {@code cached}
 * (see {@link OutputColumns}). A row that cannot be read or whose call fails gets an error and null
 * outputs; it never fails the job. The run is lazy, like any Spark transformation: nothing is called
 * until the result is written or collected (and each action runs it again: cache the result, or
 * rely on the response cache, to pay once).
 *
 * <pre>{@code
 * Dataset<Row> answers = SparkRunner.builder()
 *         .program(Path.of("vqa.json"))
 *         .lm(ProviderLm.of("openai/gpt-4o-mini"))
 *         .cache(CacheFactory.parse("/var/cache/dspy4j"))
 *         .threadsPerTask(8)
 *         .build()
 *         .run(spark.read().parquet("photos.parquet"));
 * }</pre>
 *
 * <p>The program is broadcast once per run and built once per executor JVM ({@link ExecutorPrograms});
 * the LM and cache are made there with it, so all tasks of the run in that JVM share one connection
 * pool, one rate limiter and one cache. Concurrency: each task runs {@link Builder#threadsPerTask}
 * rows at once, and an executor runs {@code spark.executor.cores / spark.task.cpus} tasks at once,
 * so an executor has up to {@code threadsPerTask * cores / task.cpus} LM calls in flight; a
 * {@link ProviderLm} rate limit caps each executor JVM, not the cluster.
 */
public final class SparkRunner {
    private final ProgramBundle bundle;
    private final Signature signature;
    private final LmFactory lm;
    private final CacheFactory cache;
    private final int threads;
    private final Map<String, String> columns;
    private final String mediaBase;
    private final RowTask.FailFirstAttempt failure;
    private final String key;

    private SparkRunner(Builder b) {
        this.bundle = Objects.requireNonNull(b.bundle, "program");
        Module prog = bundle.program();
        if (prog == null)
            throw new IllegalStateException("the program bundle was deserialized; build the runner on the driver");
        this.signature = ExecutorPrograms.predictor(prog).signature();
        if (b.lm != null) {
            this.lm = b.lm;
        } else if (bundle.savedLm() != null) {
            this.lm = ProviderLm.of(bundle.savedLm());
        } else {
            throw new IllegalStateException(
                    "the program records no LM; give one with lm(ProviderLm.of(\"openai/gpt-4o-mini\"))");
        }
        this.cache = b.cache;
        this.threads = b.threads;
        this.columns = Map.copyOf(b.columns);
        this.mediaBase = b.mediaBase;
        this.failure = b.failure;
        this.key = bundle.digest() + ":" + settingsDigest(lm, cache);
        for (String f : columns.keySet()) {
            if (signature.inputs().stream().noneMatch(x -> x.name().equals(f))) {
                throw new IllegalArgumentException(
                        "column(\"" + f + "\", ...): the program has no input field '" + f + "'; its inputs are "
                                + signature.inputs().stream().map(Field::name).toList());
            }
        }
    }

    /** {@return a builder: 4 threads per task, no cache, each input field read from its namesake column} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the program's signature: its input fields name the columns read, its outputs the columns added} */
    public Signature signature() {
        return signature;
    }

    /**
     * {@return the schema of {@link #run}'s result: {@code input}'s columns, one per output field, then
     * {@code error}, {@code error_type} and {@code cached}}
     *
     * @param input the schema of the data to run over
     */
    public StructType outputSchema(StructType input) {
        return OutputColumns.schema(input, signature.outputs());
    }

    /**
     * The program's answers for every row of {@code data} (lazily, as a Spark transformation).
     *
     * @param data the rows; the columns the input fields read must be there (media: string or binary)
     * @return one row per input row, in {@link #outputSchema}
     * @throws IllegalArgumentException if an input field has no column (and is not optional), a media
     *         field's column is neither string nor binary, or an added column is already in {@code data}
     */
    public Dataset<Row> run(Dataset<Row> data) {
        StructType in = data.schema();
        check(in);
        StructType out = outputSchema(in);
        SparkContext sc = data.sparkSession().sparkContext();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
        Broadcast<ProgramBundle> program = jsc.broadcast(bundle);
        Broadcast<SerializableConfiguration> hadoop =
                jsc.broadcast(new SerializableConfiguration(sc.hadoopConfiguration()));
        RowTask task = new RowTask(key, program, hadoop, lm, cache, threads, columns, mediaBase, out, failure);
        return data.mapPartitions(task, Encoders.row(out));
    }

    private void check(StructType in) {
        for (Field f : signature.inputs()) {
            String col = RowInputs.column(f, columns);
            int i = in.getFieldIndex(col).getOrElse(() -> -1);
            if (i < 0) {
                if (f.optional()) continue;
                throw new IllegalArgumentException("no column '" + col + "' for the program's input field '" + f.name()
                        + "' (" + f.type().typeName() + "); the columns are " + String.join(", ", in.fieldNames())
                        + (col.equals(f.name()) ? "; map another with column(\"" + f.name() + "\", \"COLUMN\")" : ""));
            }
            DataType t = in.fields()[i].dataType();
            FieldType ft = f.type() instanceof FieldType.OptionalOf o ? o.inner() : f.type();
            boolean media = ft instanceof FieldType.Media;
            if (ft instanceof FieldType.ListOf l && l.element() instanceof FieldType.Media) {
                media = true;
                if (!(t instanceof ArrayType a)) {
                    throw new IllegalArgumentException(mediaColumn(f, col, t, "an array of strings or binaries"));
                }
                t = a.elementType();
            }
            if (media && !t.equals(DataTypes.StringType) && !t.equals(DataTypes.BinaryType)) {
                throw new IllegalArgumentException(
                        mediaColumn(f, col, t, "string (a path or URI) or binary (the bytes)"));
            }
        }
    }

    private static String mediaColumn(Field f, String col, DataType t, String expected) {
        return "column '" + col + "' for the media field '" + f.name() + "' ("
                + f.type().typeName() + ") is " + t.simpleString() + "; expected " + expected;
    }

    /** Names the LM and cache settings, so that a run with other settings gets its own program in each JVM. */
    private static String settingsDigest(LmFactory lm, CacheFactory cache) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(lm);
            out.writeObject(cache);
        } catch (IOException e) {
            throw new UncheckedIOException("the LM or cache settings cannot be serialized for the executors: " + e, e);
        }
        java.security.MessageDigest md = Digest.sha256();
        md.update(bytes.toByteArray());
        return Digest.of(md.digest()).hex().substring(0, 16);
    }

    /** Builds a {@link SparkRunner}. */
    public static final class Builder {
        private ProgramBundle bundle;
        private LmFactory lm;
        private CacheFactory cache;
        private int threads = 4;
        private final Map<String, String> columns = new LinkedHashMap<>();
        private String mediaBase;
        private RowTask.FailFirstAttempt failure;

        private Builder() {}

        /**
         * Reads the program from a file, as {@code dspy4j run --program} does (dspy4j's format; for DSPy's,
         * use {@link #program(ProgramBundle)} with {@link ProgramBundle#read} and a signature).
         *
         * @param file the program state file, read on the driver
         * @return this builder
         * @throws IllegalArgumentException naming the file, if it cannot be read or built
         */
        public Builder program(Path file) {
            return program(ProgramBundle.read(file, null, false));
        }

        /**
         * Sets the program.
         *
         * @param program read with {@link ProgramBundle#read} or made with {@link ProgramBundle#of}; not null
         * @return this builder
         */
        public Builder program(ProgramBundle program) {
            this.bundle = Objects.requireNonNull(program, "program");
            return this;
        }

        /**
         * Sets how each executor makes its LM.
         *
         * @param factory e.g. {@link ProviderLm#of(String)}; not null (default: the provider and model the
         *     program file records)
         * @return this builder
         */
        public Builder lm(LmFactory factory) {
            this.lm = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Sets the response cache each executor opens.
         *
         * @param factory e.g. {@link CacheFactory#parse}, or null for none (the default)
         * @return this builder
         */
        public Builder cache(CacheFactory factory) {
            this.cache = factory;
            return this;
        }

        /**
         * Sets how many rows each task runs at once (its LM calls in flight).
         *
         * @param n at least 1 (default 4)
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is below 1
         */
        public Builder threadsPerTask(int n) {
            if (n < 1) throw new IllegalArgumentException("threadsPerTask must be at least 1, not " + n);
            this.threads = n;
            return this;
        }

        /**
         * Reads an input field from a column of another name (default: the column named like the field).
         *
         * @param field  the program's input field; checked by {@link #build()}
         * @param column the column of the data
         * @return this builder
         */
        public Builder column(String field, String column) {
            columns.put(Objects.requireNonNull(field, "field"), Objects.requireNonNull(column, "column"));
            return this;
        }

        /**
         * Sets the folder that relative media paths in string columns are resolved against.
         *
         * @param folder a Hadoop path or URI ({@code s3a://bucket/photos}), or null for the file system's
         *     working folder (the default)
         * @return this builder
         */
        public Builder mediaBase(String folder) {
            this.mediaBase = folder;
            return this;
        }

        /** Test hook: the first attempt of {@code partition}'s task fails after {@code rows} rows. */
        Builder failFirstAttempt(int partition, int rows) {
            this.failure = new RowTask.FailFirstAttempt(partition, rows);
            return this;
        }

        /**
         * Builds the runner on the driver.
         *
         * @return the runner
         * @throws NullPointerException if no program was given
         * @throws IllegalStateException if no LM was given and the program file records none
         * @throws IllegalArgumentException if a {@link #column} names an input field the program does not have
         */
        public SparkRunner build() {
            return new SparkRunner(this);
        }
    }
}
