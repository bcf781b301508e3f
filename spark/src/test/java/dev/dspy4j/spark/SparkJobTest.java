package dev.dspy4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.testing.LoopbackChatServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 1,000-row job with images, on the disk cache: every row once, a rerun free, a retried task
 * free for the rows it had answered. LM calls are counted by the loopback server.
 */
class SparkJobTest {
    static final int ROWS = 1000;

    @TempDir
    static Path dir;

    static LoopbackChatServer server;
    static Path program;
    static String data;

    @BeforeAll
    static void setUp() {
        server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("label", "noise"));
        program = SparkTests.program(dir, "image: Image -> label");
        // relative media paths, as a dataset shipped with its images holds them: taken against --data's folder
        data = SparkTests.imageParquet(dir, ROWS, 5000);
    }

    @AfterAll
    static void tearDown() {
        server.close();
    }

    private static int job(String... args) {
        StringWriter err = new StringWriter();
        int code = SparkJob.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
        System.err.print(err);
        return code;
    }

    private static void assertEveryRowOnce(String out) {
        Dataset<Row> written = SparkTests.spark().read().parquet(out);
        assertThat(written.count()).isEqualTo(ROWS);
        assertThat(written.select("id").distinct().count()).isEqualTo(ROWS);
        assertThat(written.filter("label = 'noise' and error is null").count()).isEqualTo(ROWS);
    }

    @Test
    void aThousandRowsOnceEachAndTheRerunMakesNoLmCall() {
        String cache = dir.resolve("cache-rerun").toString();
        String out = dir.resolve("answers.parquet").toString();
        server.reset();

        int code = job(
                "--program",
                program.toString(),
                "--data",
                data,
                "--out",
                out,
                "--lm",
                "openai/loopback",
                "--api-base",
                server.baseUrl(),
                "--cache",
                cache,
                "--threads",
                "4");

        assertThat(code).isZero();
        assertEveryRowOnce(out);
        assertThat(server.requestCount()).as("LM calls, cold").isEqualTo(ROWS);

        server.reset();
        code = job(
                "--program",
                program.toString(),
                "--data",
                data,
                "--out",
                out,
                "--overwrite",
                "--lm",
                "openai/loopback",
                "--api-base",
                server.baseUrl(),
                "--cache",
                cache);

        assertThat(code).isZero();
        assertEveryRowOnce(out);
        assertThat(SparkTests.spark().read().parquet(out).filter("cached").count())
                .isEqualTo(ROWS);
        assertThat(server.requestCount()).as("LM calls, rerun").isZero();
    }

    @Test
    void aTaskThatFailsAndIsRetriedMakesNoExtraCallForTheRowsItHadAnswered() {
        server.reset();
        int failures = RowTask.INJECTED_FAILURES.get();
        SparkRunner runner = SparkRunner.builder()
                .program(program)
                .lm(ProviderLm.of("openai/loopback").withBaseUrl(server.baseUrl()))
                .cache(new CacheFactory.Disk(dir.resolve("cache-retry").toString()))
                .mediaBase(dir.toUri().toString())
                .failFirstAttempt(0, 100)
                .build();

        Dataset<Row> out = runner.run(SparkTests.spark().read().parquet(data));
        String written = dir.resolve("retried.parquet").toString();
        out.write().parquet(written);

        assertThat(RowTask.INJECTED_FAILURES.get())
                .as("attempts failed by the hook")
                .isEqualTo(failures + 1);
        assertEveryRowOnce(written);
        assertThat(server.requestCount()).as("LM calls with one task retried").isEqualTo(ROWS);
        // the retried partition's first 100 rows (and the rows read ahead) came from the cache
        assertThat(SparkTests.spark().read().parquet(written).filter("cached").count())
                .isGreaterThanOrEqualTo(100);
    }

    @Test
    void jsonLinesInAndOutWithAColumnMapAndABadRowExitOne() throws Exception {
        Path in = dir.resolve("rows.jsonl");
        Files.writeString(
                in,
                "{\"id\": 1, \"photo\": \"img/img-1.png\"}\n"
                        + "{\"id\": 2, \"photo\": \"img/missing.png\"}\n"
                        + "{\"id\": 3, \"photo\": \"img/img-3.png\"}\n");
        String out = dir.resolve("rows-out.jsonl").toString();
        StringWriter err = new StringWriter();

        int code = SparkJob.run(
                new String[] {
                    "--program",
                    program.toString(),
                    "--data",
                    in.toString(),
                    "--out",
                    out,
                    "--column",
                    "image=photo",
                    "--lm",
                    "openai/loopback",
                    "--api-base",
                    server.baseUrl()
                },
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));

        assertThat(code).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("3 rows: 2 ok, 1 error (input 1), 0 from the cache, ")
                .contains("; output in " + out);
        var rows = SparkTests.spark().read().json(out).orderBy("id").collectAsList();
        assertThat(rows)
                .extracting(r -> r.getAs("id").toString() + " " + r.getAs("label") + " " + r.getAs("error_type"))
                .containsExactly("1 noise null", "2 null input", "3 noise null");
        assertThat(rows.get(1).<String>getAs("error")).contains("img/missing.png does not exist");
    }

    @Test
    void relativeMediaPathsAreTakenAgainstTheDataFolderQualifiedOnTheDriver() {
        var conf = new org.apache.hadoop.conf.Configuration();
        String cwd = "file:" + Path.of("").toAbsolutePath();
        assertThat(SparkJob.folderOf("in.jsonl", conf)).isEqualTo(cwd);
        assertThat(SparkJob.folderOf("data/in.jsonl", conf)).isEqualTo(cwd + "/data");
        assertThat(SparkJob.folderOf("/srv/in.parquet", conf)).isEqualTo("file:/srv");
        assertThat(SparkJob.folderOf("hdfs://nn:8020/d/in.parquet", conf)).isEqualTo("hdfs://nn:8020/d");
    }

    @Test
    void aBadOptionIsAUsageErrorBeforeAnyTask() throws Exception {
        Path out = dir.resolve("exists.parquet");
        Files.createDirectories(out);
        StringWriter err = new StringWriter();

        int code = SparkJob.run(
                new String[] {
                    "--program",
                    program.toString(),
                    "--data",
                    data,
                    "--out",
                    out.toString(),
                    "--lm",
                    "openai/loopback",
                    "--api-base",
                    server.baseUrl()
                },
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("dspy4j-spark: --out " + out + " exists; pass --overwrite to replace it (with "
                        + "--cache, rows answered before cost no LM call)" + System.lineSeparator());

        err.getBuffer().setLength(0);
        code = SparkJob.run(
                new String[] {
                    "--program",
                    program.toString(),
                    "--data",
                    data,
                    "--out",
                    dir.resolve("x").toString(),
                    "--lm",
                    "openia/gpt"
                },
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString())
                .isEqualTo("dspy4j-spark: --lm: unknown provider 'openia'; expected openai, "
                        + "openai-responses, anthropic, gemini or azure (use openai with a base URL for any OpenAI-compatible server)"
                        + System.lineSeparator());
    }
}
