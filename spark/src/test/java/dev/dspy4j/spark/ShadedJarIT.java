package dev.dspy4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded {@code target/dspy4j-spark.jar} that {@code spark-submit} runs, started in a child JVM
 * whose class path is that jar and Spark's jars only (no dspy4j classes and none of the libraries the
 * jar must carry), so a class left out of the jar or a relocation that breaks picocli fails here. Runs
 * in {@code mvn verify} after {@code package} made the jar (surefire execution {@code shaded-jar} in
 * spark/pom.xml); each case takes about 2 s.
 */
class ShadedJarIT {
    /** Libraries dspy4j-spark.jar bundles: taken off the child's class path, so the jar's own copies must work. */
    private static final List<String> BUNDLED =
            List.of("dspy4j-", "picocli-", "caffeine-", "bucket4j", "jedis-", "sqlite-jdbc-");

    @TempDir
    Path dir;

    @Test
    void helpPrintsTheUsageAndExitsZero() throws Exception {
        Result r = runJar("--help");

        assertThat(r.stdout()).startsWith("Usage: dspy4j-spark ").contains("--program=P.json", "--cache=SPEC");
        assertThat(r.stderr()).doesNotContain("Exception");
        assertThat(r.exit()).as("exit status; stderr: %s", r.stderr()).isZero();
    }

    @Test
    void missingOptionsAreAUsageErrorWithExitTwo() throws Exception {
        Result r = runJar();

        assertThat(r.stderr())
                .contains("Missing required options")
                .contains("Usage: dspy4j-spark ")
                .doesNotContain("Exception");
        assertThat(r.exit()).isEqualTo(2);
    }

    record Result(int exit, String stdout, String stderr) {}

    private Result runJar(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("dspy4j.spark.jar", "target/dspy4j-spark.jar"));
        assertThat(jar)
                .as("the shaded jar (made by mvn package; this test runs in mvn verify)")
                .isRegularFile();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                jar + File.pathSeparator + String.join(File.pathSeparator, sparkClassPath()),
                "dev.dspy4j.spark.SparkJob"));
        command.addAll(Arrays.asList(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            assertThat(p.waitFor(2, TimeUnit.MINUTES))
                    .as("the job ends within 2 minutes")
                    .isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The jars of this test's class path but dspy4j's and the libraries the shaded jar bundles. */
    private static List<String> sparkClassPath() {
        String all = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = Arrays.stream(all.split(File.pathSeparator, -1))
                .filter(e -> e.endsWith(".jar"))
                .filter(e -> {
                    String name = Path.of(e).getFileName().toString();
                    return BUNDLED.stream().noneMatch(name::startsWith);
                })
                .toList();
        assertThat(kept)
                .as("Spark's jars on the test class path")
                .anyMatch(e -> Path.of(e).getFileName().toString().startsWith("spark-core_"));
        return kept;
    }
}
