package dev.dspy4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.testing.LoopbackChatServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkRunnerTest {
    static LoopbackChatServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("label", "cat"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private SparkRunner.Builder runner(String signature) {
        return SparkRunner.builder()
                .program(SparkTests.program(dir, signature))
                .lm(ProviderLm.of("openai/loopback").withBaseUrl(server.baseUrl()))
                .cache(new CacheFactory.Disk(dir.resolve("cache").toString()));
    }

    private static Map<Long, Row> byId(Dataset<Row> out) {
        return out.collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getLong(r.fieldIndex("id")), Function.identity()));
    }

    @Test
    void everyRowComesBackWithTheOutputsOrAnErrorThatNeverFailsTheJob() {
        List<Path> images = SparkTests.images(dir.resolve("img"), 4, 1);
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("image", DataTypes.StringType, true)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < images.size(); i++)
            rows.add(RowFactory.create((long) i, images.get(i).toUri().toString()));
        rows.add(RowFactory.create(4L, dir.resolve("img/missing.png").toUri().toString()));
        rows.add(RowFactory.create(5L, null));
        rows.add(RowFactory.create(6L, "img/img-0.png")); // relative: taken against the media base
        server.reset();

        Dataset<Row> out = runner("image: Image -> label")
                .mediaBase(dir.toUri().toString())
                .build()
                .run(SparkTests.spark().createDataFrame(rows, schema).repartition(3));

        assertThat(out.schema().fieldNames()).containsExactly("id", "image", "label", "error", "error_type", "cached");
        Map<Long, Row> got = byId(out);
        assertThat(got).hasSize(7);
        for (long id : List.of(0L, 1L, 2L, 3L, 6L)) {
            Row r = got.get(id);
            assertThat(r.<String>getAs("label")).as("row %d", id).isEqualTo("cat");
            assertThat(r.<String>getAs("error")).isNull();
        }
        assertThat(got.get(4L).<String>getAs("error_type")).isEqualTo("input");
        assertThat(got.get(4L).<String>getAs("error")).contains("missing.png").contains("does not exist");
        assertThat(got.get(4L).<String>getAs("label")).isNull();
        assertThat(got.get(5L).<String>getAs("error")).isEqualTo("missing input field 'image' (Image)");
        // rows 0 and 6 are the same image: one call, the other row is served by the cache (or waits for it)
        assertThat(server.requestCount()).isBetween(4, 5);
    }

    @Test
    void aBinaryColumnFromTheBinaryFileSourceFeedsAnImageField() {
        SparkTests.images(dir.resolve("bin"), 3, 100);
        Dataset<Row> files = SparkTests.spark()
                .read()
                .format("binaryFile")
                .load(dir.resolve("bin").toString());
        server.reset();

        List<Row> out = runner("image: Image -> label")
                .column("image", "content")
                .build()
                .run(files)
                .select("path", "label", "error", "cached")
                .collectAsList();

        assertThat(out).hasSize(3).allSatisfy(r -> {
            assertThat(r.getString(1)).isEqualTo("cat");
            assertThat(r.isNullAt(2)).isTrue();
            assertThat(r.getBoolean(3)).isFalse();
        });
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void theProgramIsBuiltOncePerJvmPerRunNotPerTaskOrRow() {
        List<Path> images = SparkTests.images(dir.resolve("img"), 12, 200);
        SparkRunner runner = runner("image: Image -> label").build();
        int before = ExecutorPrograms.builds();

        assertThat(runner.run(SparkTests.imageRows(images, 4)).count()).isEqualTo(12);
        assertThat(ExecutorPrograms.builds()).isEqualTo(before + 1);
        // a second action with the same program and settings reuses it
        List<Row> again = runner.run(SparkTests.imageRows(images, 4)).collectAsList();
        assertThat(ExecutorPrograms.builds()).isEqualTo(before + 1);
        assertThat(again).allSatisfy(r -> assertThat(r.<Boolean>getAs("cached")).isTrue());
    }

    @Test
    void scalarInputsAndOutputsKeepTheirTypes() {
        server.close();
        server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("n", "7")
                .replace("[[ ## completed ## ]]", "[[ ## ok ## ]]\ntrue\n\n[[ ## completed ## ]]"));
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("question", DataTypes.StringType, true),
                DataTypes.createStructField("k", DataTypes.IntegerType, true)));
        Dataset<Row> in = SparkTests.spark()
                .createDataFrame(
                        List.of(RowFactory.create(1L, "how many?", 3), RowFactory.create(2L, "how many?", null)),
                        schema);

        Dataset<Row> out =
                runner("question, k: int -> n: int, ok: bool").build().run(in);

        assertThat(out.schema().apply("n").dataType()).isEqualTo(DataTypes.LongType);
        assertThat(out.schema().apply("ok").dataType()).isEqualTo(DataTypes.BooleanType);
        Map<Long, Row> got = byId(out);
        assertThat(got.get(1L).<Long>getAs("n")).isEqualTo(7L);
        assertThat(got.get(1L).<Boolean>getAs("ok")).isTrue();
        assertThat(got.get(2L).<String>getAs("error")).isEqualTo("missing input field 'k' (int)");
    }

    @Test
    void aColumnThatIsMissingOrOfTheWrongTypeOrInTheWayIsRefusedBeforeAnyTask() {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("photo", DataTypes.StringType, true),
                DataTypes.createStructField("size", DataTypes.LongType, true),
                DataTypes.createStructField("label", DataTypes.StringType, true)));
        Dataset<Row> in = SparkTests.spark().createDataFrame(List.<Row>of(), schema);

        assertThatThrownBy(() -> runner("image: Image -> answer").build().run(in))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "no column 'image' for the program's input field 'image' (Image); the columns are photo, size, "
                                + "label; map another with column(\"image\", \"COLUMN\")");
        assertThatThrownBy(() -> runner("image: Image -> answer")
                        .column("image", "size")
                        .build()
                        .run(in))
                .hasMessage(
                        "column 'size' for the media field 'image' (Image) is bigint; expected string (a path or URI) "
                                + "or binary (the bytes)");
        assertThatThrownBy(() -> runner("photo: Image -> label").build().run(in))
                .hasMessage("the input already has a column 'label', which the run adds for the program's output field "
                        + "'label'; rename or drop it first (e.g. withColumnRenamed(\"label\", \"expected_label\"))");
        assertThatThrownBy(() -> runner("photo: Image -> answer")
                        .column("picture", "photo")
                        .build())
                .hasMessage(
                        "column(\"picture\", ...): the program has no input field 'picture'; its inputs are [photo]");
    }
}
