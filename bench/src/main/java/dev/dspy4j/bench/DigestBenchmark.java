package dev.dspy4j.bench;

import dev.dspy4j.media.Digest;
import dev.dspy4j.media.Payload;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * SHA-256 of one 4 MiB noise PNG, from memory and from a file (page cache warm): a fresh
 * {@link Payload} per operation, so each operation sniffs the head and digests every byte once.
 * Throughput in MB/s is {@code 4.194304 / (ms/op) * 1000}.
 *
 * <pre>java -jar bench/target/dspy4j-bench.jar DigestBenchmark -prof gc -f 1 -wi 3 -i 5 -w 1 -r 1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class DigestBenchmark {
    /** Where the bytes live. */
    @Param({"memory", "file"})
    public String source;

    private byte[] bytes;
    private Path file;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        int side = NoiseImage.sideFor(4L * 1024 * 1024);
        bytes = NoiseImage.png(side, side, 4);
        file = Files.createTempFile("dspy4j-digest", ".png");
        Files.write(file, bytes);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public Digest digest() {
        Payload p = "file".equals(source) ? Payload.of(file) : Payload.wrap(bytes);
        return p.digest();
    }
}
