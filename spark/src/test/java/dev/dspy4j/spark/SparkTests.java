package dev.dspy4j.spark;

import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One Spark session for all the tests of this module (starting one takes seconds), and test data. */
final class SparkTests {
    private static SparkSession session;

    private SparkTests() {}

    /**
     * Spark in {@code local[2,4]}: two task threads, as {@code local[2]}, and up to 4 attempts per task
     * (plain {@code local[2]} never retries a failed task, so the retry test could not run). Bound to
     * loopback, no UI.
     */
    static synchronized SparkSession spark() {
        if (session == null) {
            session = SparkSession.builder()
                    .master("local[2,4]")
                    .appName("dspy4j-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.sql.adaptive.enabled", "false")
                    // jobs in different pools share the two task slots, so two jobs started at once run at once
                    .config("spark.scheduler.mode", "FAIR")
                    .getOrCreate();
        }
        return session;
    }

    /** A program file for {@code signature} (a Predict with no demos). */
    static Path program(Path dir, String signature) {
        Path file = dir.resolve("program.json");
        ProgramState.save(Predict.of(Signature.parse(signature)), file);
        return file;
    }

    /** {@code n} distinct small noise PNGs (16x16, about 1 KB each) in {@code dir}, named {@code img-<i>.png}. */
    static List<Path> images(Path dir, int n, long seed) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(NoiseImage.writePng(dir, "img-" + i + ".png", 16, 16, seed + i));
        return out;
    }

    /**
     * {@code rows} distinct 16x16 noise PNGs in {@code dir/img} and a Parquet dataset {@code dir/photos.parquet}
     * of 4 partitions {@code (id long, image string)} naming them by relative path ({@code img/img-<i>.png}).
     */
    static String imageParquet(Path dir, int rows, long seed) {
        return imageParquetAt(dir, rows, 16, seed);
    }

    /** {@link #imageParquet} with {@code side x side} images. */
    static String imageParquetAt(Path dir, int rows, int side, long seed) {
        try {
            Files.createDirectories(dir.resolve("img"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < rows; i++)
            NoiseImage.writePng(dir.resolve("img"), "img-" + i + ".png", side, side, seed + i);
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("image", DataTypes.StringType, false)));
        List<Row> list = new ArrayList<>();
        for (int i = 0; i < rows; i++) list.add(RowFactory.create((long) i, "img/img-" + i + ".png"));
        String data = dir.resolve("photos.parquet").toString();
        spark().createDataFrame(list, schema).repartition(4).write().parquet(data);
        return data;
    }

    /** A dataset {@code (id long, image string)} of {@code file:} URIs, in {@code partitions} partitions. */
    static Dataset<Row> imageRows(List<Path> images, int partitions) {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("image", DataTypes.StringType, true)));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < images.size(); i++)
            rows.add(RowFactory.create((long) i, images.get(i).toUri().toString()));
        return spark().createDataFrame(rows, schema).repartition(partitions);
    }
}
