package dev.dspy4j.spark;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code spark-submit} entry point: runs a program file over a Parquet or JSON-lines dataset and
 * writes the rows with their answers as Parquet (or JSON lines for an {@code --out} ending in
 * {@code .jsonl}/{@code .json}). Options are {@code dspy4j run}'s where they make sense on a cluster.
 * Exit status: 0 every row succeeded, 1 some rows failed, 2 usage error.
 */
@Command(
        name = "dspy4j-spark",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Run a saved dspy4j program over a dataset on Spark.",
            "Each input row's columns named like the program's input fields are its inputs (see --column). A media "
                    + "field's column holds a path or URI Hadoop reads (file:, hdfs:, s3a:; relative paths are taken "
                    + "against --media-base), a data: URI, an http(s) URL (images), or the bytes (a binary column).",
            "The output has the input columns (but binary ones), one column per output field, and error, "
                    + "error_type (input|lm|parse|error) and cached. A bad row gets an error; it never fails the job.",
            "Resume: run again with the same --cache; rows answered before cost no LM call.",
            "Exit status: 0 every row succeeded, 1 some rows failed, 2 usage error."
        },
        footerHeading = "%nExample:%n",
        footer = {
            "  spark-submit --class dev.dspy4j.spark.SparkJob dspy4j-spark.jar \\",
            "      --program vqa.json --data s3a://bucket/photos.parquet --out s3a://bucket/answers.parquet \\",
            "      --lm openai/gpt-4o-mini --cache redis://cache-host:6379 --threads 8 --rpm 500"
        })
public final class SparkJob implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--program",
            required = true,
            paramLabel = "P.json",
            description =
                    "The program file (dspy4j new, optimize or ProgramState.save; DSPy's with --signature), on the driver.")
    Path program;

    @Option(
            names = "--data",
            required = true,
            paramLabel = "D",
            description = "Input rows: a Parquet file or folder, or JSON lines (.jsonl, .json, .ndjson).")
    String data;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "O",
            description =
                    "Where to write the output: Parquet, or JSON lines if it ends in .jsonl or .json; must not exist unless --overwrite.")
    String out;

    @Option(
            names = "--overwrite",
            description = "Replace an existing --out (with --cache, rows answered before are not asked again).")
    boolean overwrite;

    @Option(
            names = "--column",
            paramLabel = "FIELD=COLUMN",
            split = ",",
            description = "Read input field FIELD from column COLUMN (default: the column named like the field).")
    List<String> columnMap = new ArrayList<>();

    @Option(
            names = "--media-base",
            paramLabel = "DIR",
            description = "The folder relative media paths are taken against (default: the folder of --data).")
    String mediaBase;

    @Option(
            names = "--partitions",
            paramLabel = "N",
            description = "Repartition the input into N partitions (default: as read).")
    Integer partitions;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "4",
            description =
                    "Rows each task runs at once (default ${DEFAULT-VALUE}); an executor runs cores/task.cpus tasks at once.")
    int threads;

    @Option(
            names = "--signature",
            paramLabel = "SIG",
            description = "The signature, e.g. \"question -> answer\", for state files that do not record it (DSPy's).")
    String signature;

    @Option(
            names = "--lm",
            paramLabel = "PROVIDER/MODEL",
            description = "The LM, e.g. openai/gpt-4o-mini (default: the program file's).")
    String lm;

    @Option(
            names = "--api-base",
            paramLabel = "URL",
            description = "The API base URL (default: the provider's; see --trust-program-base-url).")
    String apiBase;

    @Option(
            names = "--trust-program-base-url",
            description = "Send requests (and your API key) to the base URL recorded in the program file.")
    boolean trustProgramBaseUrl;

    @Option(
            names = "--api-key-env",
            paramLabel = "NAME",
            description =
                    "The environment variable holding the API key on the executors (default: the provider's, e.g. "
                            + "OPENAI_API_KEY; pass it with --conf spark.executorEnv.NAME=...).")
    String apiKeyEnv;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "Give up on one LM request after this many seconds (default ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(
            names = "--retries",
            paramLabel = "N",
            defaultValue = "2",
            description = "Retry a failed LM request up to N times (default ${DEFAULT-VALUE}).")
    int retries;

    @Option(
            names = "--rpm",
            paramLabel = "N",
            description = "At most N LM requests a minute per executor JVM (cache hits are free; default: no limit).")
    Long rpm;

    @Option(
            names = "--tpm",
            paramLabel = "N",
            description = "At most N tokens a minute per executor JVM (default: no limit).")
    Long tpm;

    @Option(
            names = "--cache",
            paramLabel = "SPEC",
            description =
                    "The response cache: redis://host:port[/db] (shared by every executor and job; password in "
                            + "$DSPY4J_REDIS_PASSWORD), or a folder on each executor machine (/var/cache/dspy4j) (default: none).")
    String cache;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print errors only (no summary).")
    boolean quiet;

    /** Thrown for a problem the user must fix; the job prints the message and exits 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Runs the job in the active or a new Spark session, stops the session, and exits with the job's
     * status when it is not 0.
     *
     * @param args the options ({@code --help} lists them)
     */
    public static void main(String[] args) {
        int code = run(
                args,
                new PrintWriter(System.out, true, Charset.defaultCharset()),
                new PrintWriter(System.err, true, Charset.defaultCharset()));
        // --help and usage errors end before a session is made (SparkSession.active() would throw then)
        scala.Option<SparkSession> session = SparkSession.getActiveSession();
        if (session.isEmpty()) session = SparkSession.getDefaultSession();
        if (session.isDefined()) session.get().stop();
        if (code != 0) System.exit(code);
    }

    /**
     * Runs the job in the active Spark session (or a new one), which it leaves running.
     *
     * @param args the options, as {@link #main} takes them
     * @param out  where the summary (and {@code --help}) goes
     * @param err  where errors go
     * @return the exit status: 0 every row succeeded, 1 some rows failed, 2 usage error
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SparkJob());
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return execute(err);
        } catch (UsageException | IllegalArgumentException e) {
            err.println("dspy4j-spark: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private int execute(PrintWriter err) {
        if (threads < 1) throw new UsageException("--threads must be at least 1, not " + threads);
        if (partitions != null && partitions < 1)
            throw new UsageException("--partitions must be at least 1, not " + partitions);
        if (timeoutSeconds <= 0)
            throw new UsageException("--timeout must be a positive number of seconds, not " + timeoutSeconds);
        if (retries < 0) throw new UsageException("--retries must be 0 or more, not " + retries);
        ProgramBundle bundle = ProgramBundle.read(program, signature, trustProgramBaseUrl);
        SparkSession spark = SparkSession.builder().appName("dspy4j-spark").getOrCreate();
        org.apache.hadoop.fs.Path outPath = new org.apache.hadoop.fs.Path(out);
        try {
            if (!overwrite
                    && outPath.getFileSystem(spark.sparkContext().hadoopConfiguration())
                            .exists(outPath)) {
                throw new UsageException("--out " + out + " exists; pass --overwrite to replace it (with --cache, rows "
                        + "answered before cost no LM call)");
            }
        } catch (java.io.IOException e) {
            throw new UsageException("--out " + out + " cannot be checked: " + e.getMessage());
        }
        SparkRunner.Builder b = SparkRunner.builder()
                .program(bundle)
                .lm(lm(bundle, err))
                .threadsPerTask(threads)
                .mediaBase(
                        mediaBase != null
                                ? mediaBase
                                : folderOf(data, spark.sparkContext().hadoopConfiguration()));
        if (cache != null) b.cache(CacheFactory.parse(cache));
        for (String m : columnMap) {
            int eq = m.indexOf('=');
            if (eq <= 0 || eq == m.length() - 1)
                throw new UsageException("--column must be FIELD=COLUMN, not '" + m + "'");
            b.column(m.substring(0, eq), m.substring(eq + 1));
        }
        SparkRunner runner = b.build();
        Dataset<Row> in = read(spark);
        if (partitions != null) in = in.repartition(partitions);
        Dataset<Row> result = runner.run(in);
        for (StructField f : in.schema().fields()) {
            if (f.dataType().equals(DataTypes.BinaryType)) result = result.drop(f.name());
        }
        long t0 = System.nanoTime();
        var writer = result.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
        if (isJson(out)) writer.json(out);
        else writer.parquet(out);
        double seconds = (System.nanoTime() - t0) / 1e9;
        // the summary reads the written output back (two small columns), never running the program again
        Dataset<Row> written = isJson(out)
                ? spark.read().schema(runner.outputSchema(in.schema())).json(out)
                : spark.read().parquet(out);
        RunSummary summary = RunSummary.of(written);
        if (!quiet) {
            err.println(summary.line(seconds, out));
            err.flush();
        }
        return summary.failed() > 0 ? 1 : 0;
    }

    private Dataset<Row> read(SparkSession spark) {
        try {
            return isJson(data) || data.toLowerCase(Locale.ROOT).endsWith(".ndjson")
                    ? spark.read().json(data)
                    : spark.read().parquet(data);
        } catch (RuntimeException e) {
            // Spark's AnalysisException for a path that does not exist
            throw new UsageException("--data " + data + " cannot be read: " + e.getMessage());
        }
    }

    private static boolean isJson(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".jsonl") || p.endsWith(".json");
    }

    /**
     * The folder of {@code path}, qualified on the driver ({@code in.jsonl} is {@code file:/<working folder>}):
     * the executors resolve relative media paths against it, wherever their own working folder is.
     */
    static String folderOf(String path, org.apache.hadoop.conf.Configuration conf) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        try {
            if (p.toUri().getScheme() == null) p = p.getFileSystem(conf).makeQualified(p);
        } catch (java.io.IOException e) {
            throw new UsageException("--data " + path + ": " + e.getMessage());
        }
        org.apache.hadoop.fs.Path parent = p.getParent();
        return parent == null ? null : parent.toString();
    }

    /** The LM: --lm and --api-base over the program file's settings, as dspy4j run makes it. */
    private ProviderLm lm(ProgramBundle bundle, PrintWriter err) {
        ProviderLm spec;
        if (lm != null) {
            try {
                spec = ProviderLm.of(lm);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--lm: " + e.getMessage());
            }
            if (bundle.savedLm() != null)
                spec = spec.withParams(bundle.savedLm().params());
        } else if (bundle.savedLm() != null) {
            spec = ProviderLm.of(bundle.savedLm());
        } else {
            throw new UsageException(program + " records no LM; pass --lm PROVIDER/MODEL");
        }
        String base = apiBase != null
                ? apiBase
                : trustProgramBaseUrl && bundle.savedLm() != null
                        ? bundle.savedLm().baseUrl()
                        : null;
        spec = spec.withBaseUrl(base)
                .withApiKeyEnv(apiKeyEnv)
                .withTimeout(Duration.ofMillis(Math.round(timeoutSeconds * 1000)))
                .withMaxAttempts(retries + 1);
        try {
            spec = spec.withRateLimit(rpm, tpm);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--rpm and --tpm must be at least 1: " + e.getMessage());
        }
        try {
            spec.create(null); // the same checks on the driver as on the executors (provider name, key, endpoint)
        } catch (IllegalStateException e) {
            if (!quiet) {
                err.println("warning: " + e.getMessage() + " (on the driver; the executors need it too, e.g. "
                        + "--conf spark.executorEnv.NAME=...)");
                err.flush();
            }
        }
        return spec;
    }
}
