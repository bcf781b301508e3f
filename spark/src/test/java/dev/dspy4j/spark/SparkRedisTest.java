package dev.dspy4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.redis.RedisServerProcess;
import dev.dspy4j.testing.LoopbackChatServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 1,000-row job on a real redis-server shared by every executor: two jobs started at once make
 * each call once (Redis leases), and a Redis killed mid-job loses no row. LM calls are counted by the
 * loopback server.
 */
class SparkRedisTest {
    static final int ROWS = 1000;

    @TempDir
    static Path dir;

    static LoopbackChatServer server;
    /** The next requests the server holds for a second before answering (so that a second job catches up). */
    static final AtomicInteger slowStart = new AtomicInteger();

    static String data;
    RedisServerProcess redis;

    @BeforeAll
    static void setUp() {
        String answer = LoopbackChatServer.chatAnswer("label", "noise");
        server = LoopbackChatServer.builder()
                .respond(r -> {
                    if (slowStart.getAndDecrement() > 0) {
                        try {
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return answer;
                })
                .start();
        data = SparkTests.imageParquet(dir, ROWS, 9000);
    }

    @AfterAll
    static void tearDown() {
        server.close();
    }

    @AfterEach
    void stopRedis() {
        if (redis != null) redis.close();
    }

    /**
     * A run on the Redis cache. {@code executor} stands for a separate executor JVM: each value gets its
     * own program, LM and RedisCache in this JVM (the request timeout, which is not part of a cache key,
     * tells them apart), so only Redis is shared between them, as between two machines.
     */
    private SparkRunner runner(int executor) {
        return SparkRunner.builder()
                .program(SparkTests.program(dir, "image: Image -> label"))
                .lm(ProviderLm.of("openai/loopback")
                        .withBaseUrl(server.baseUrl())
                        .withTimeout(Duration.ofSeconds(60 + executor)))
                .cache(new CacheFactory.Redis(redis.uri()))
                .mediaBase(dir.toUri().toString())
                .build();
    }

    /**
     * Writes the run's output in the scheduler pool {@code name} and returns where. {@code partitions} 1
     * makes the job one task, which takes one of the two slots, so two such jobs run side by side.
     */
    private String write(SparkRunner runner, String name, int partitions) {
        String out = dir.resolve(name).toString();
        SparkTests.spark().sparkContext().setLocalProperty("spark.scheduler.pool", name);
        try {
            runner.run(SparkTests.spark().read().parquet(data).coalesce(partitions))
                    .write()
                    .parquet(out);
        } finally {
            SparkTests.spark().sparkContext().setLocalProperty("spark.scheduler.pool", null);
        }
        return out;
    }

    private static void assertEveryRowOnce(String out) {
        Dataset<Row> written = SparkTests.spark().read().parquet(out);
        assertThat(written.count()).isEqualTo(ROWS);
        assertThat(written.select("id").distinct().count()).isEqualTo(ROWS);
        assertThat(written.filter("label = 'noise' and error is null").count()).isEqualTo(ROWS);
    }

    @Test
    void twoJobsStartedAtOnceOnTheSameRowsMakeEachCallOnce() throws Exception {
        redis = RedisServerProcess.start();
        server.reset();

        // each job is one task in its own pool, so they run side by side over the same rows in the same order;
        // the first answers take a second, so the job that starts later catches up with the other's calls in flight
        slowStart.set(4);
        CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> write(runner(1), "job-a", 1));
        CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> write(runner(2), "job-b", 1));
        String outA = a.get(5, TimeUnit.MINUTES);
        String outB = b.get(5, TimeUnit.MINUTES);

        assertEveryRowOnce(outA);
        assertEveryRowOnce(outB);
        assertThat(server.requestCount()).as("LM calls, two jobs at once").isEqualTo(ROWS);
        long cached = SparkTests.spark().read().parquet(outA).filter("cached").count()
                + SparkTests.spark().read().parquet(outB).filter("cached").count();
        assertThat(cached).as("rows one job had from the other").isEqualTo(ROWS);

        // a third job, on another "executor", finds everything in Redis
        server.reset();
        String outC = write(runner(3), "job-c", 4);
        assertEveryRowOnce(outC);
        assertThat(server.requestCount()).as("LM calls, rerun").isZero();
    }

    @Test
    void killingRedisMidJobLosesNoRow() throws Exception {
        redis = RedisServerProcess.start();
        server.reset();

        CompletableFuture<String> job = CompletableFuture.supplyAsync(() -> write(runner(4), "killed", 4));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (server.requestCount() < ROWS / 4 && !job.isDone() && System.nanoTime() < deadline) Thread.sleep(5);
        redis.kill();
        int callsAtKill = server.requestCount();
        String out = job.get(5, TimeUnit.MINUTES);

        assertThat(callsAtKill).as("Redis was killed while the job ran").isLessThan(ROWS);
        assertEveryRowOnce(out);
        assertThat(server.requestCount()).as("LM calls, Redis killed mid-job").isEqualTo(ROWS);
    }
}
