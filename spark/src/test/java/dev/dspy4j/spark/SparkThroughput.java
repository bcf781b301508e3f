package dev.dspy4j.spark;

import dev.dspy4j.redis.RedisServerProcess;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows per second of the 1,000-row image job ({@link SparkJob}, as spark-submit runs it) in
 * {@code local[2]}, cold (empty cache) and cached (every answer in the cache), with the disk cache and
 * with a real redis-server, against the loopback chat server. Not a test: run it by hand
 * (see the README, "Running over Spark").
 *
 * <p>Arguments: {@code [rows] [repeats] [side]} (default 1000, 3, 16: 16x16 noise PNGs of about 1 KB).
 */
public final class SparkThroughput {
    private static final Pattern SUMMARY =
            Pattern.compile("(\\d+) rows: .* from the cache, [0-9.]+ s \\(([0-9.]+) rows/s\\)");

    private SparkThroughput() {}

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int side = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        // the JDK's HTTP server writes a response's headers and body as two segments with Nagle's algorithm on: each
        // answer then waits for the client's delayed ACK (about 40 ms on Linux), which would be all this measures
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Path dir = Files.createTempDirectory("dspy4j-spark-bench-");
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
        System.setProperty("spark.driver.host", "127.0.0.1");
        System.setProperty("spark.driver.bindAddress", "127.0.0.1");
        try (LoopbackChatServer server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("label", "noise"));
                RedisServerProcess redis = RedisServerProcess.start()) {
            Path program = SparkTests.program(dir, "image: Image -> label");
            String warm = SparkTests.imageParquetAt(dir.resolve("warm"), 200, side, 1);
            String data = SparkTests.imageParquetAt(dir.resolve("data"), rows, side, 100_000);
            System.out.printf(
                    Locale.ROOT,
                    "%d rows, %dx%d noise PNGs (%d bytes on average), local[2], 4 partitions, --threads 4%n",
                    rows,
                    side,
                    side,
                    Files.size(dir.resolve("data/img/img-0.png")));
            // warm-up: Spark's first job and the JIT, on other rows
            job(
                    server,
                    program,
                    warm,
                    dir.resolve("warm-out"),
                    dir.resolve("warm-cache").toString());
            for (String kind : List.of("disk", "redis")) {
                List<Double> cold = new ArrayList<>();
                List<Double> cached = new ArrayList<>();
                for (int i = 0; i < repeats; i++) {
                    String cache =
                            kind.equals("disk") ? dir.resolve("cache-" + i).toString() : redis.uri() + "/" + (i + 1);
                    server.reset();
                    cold.add(job(server, program, data, dir.resolve("out-" + kind + "-" + i), cache));
                    int coldCalls = server.requestCount();
                    server.reset();
                    cached.add(job(server, program, data, dir.resolve("out-" + kind + "-" + i), cache));
                    System.out.printf(
                            Locale.ROOT,
                            "%s #%d: cold %.0f rows/s (%d LM calls), cached %.0f rows/s (%d LM calls)%n",
                            kind,
                            i + 1,
                            cold.get(i),
                            coldCalls,
                            cached.get(i),
                            server.requestCount());
                }
                System.out.printf(
                        Locale.ROOT,
                        "%s cache, median of %d: cold %.0f rows/s, cached %.0f rows/s%n",
                        kind,
                        repeats,
                        median(cold),
                        median(cached));
            }
        } finally {
            ProgramBundle.deleteTree(dir);
        }
    }

    /** Runs the job and returns rows per second as its summary reports them (rows over the time the output took to write). */
    private static double job(LoopbackChatServer server, Path program, String data, Path out, String cache) {
        StringWriter err = new StringWriter();
        int code = SparkJob.run(
                new String[] {
                    "--program",
                    program.toString(),
                    "--data",
                    data,
                    "--out",
                    out.toString(),
                    "--overwrite",
                    "--lm",
                    "openai/loopback",
                    "--api-base",
                    server.baseUrl(),
                    "--cache",
                    cache,
                    "--threads",
                    "4"
                },
                new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        Matcher m = SUMMARY.matcher(err.toString());
        if (code != 0 || !m.find()) throw new IllegalStateException("the job failed (" + code + "): " + err);
        return Double.parseDouble(m.group(2));
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
