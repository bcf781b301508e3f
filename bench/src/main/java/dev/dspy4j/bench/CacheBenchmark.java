package dev.dspy4j.bench;

import dev.dspy4j.cache.DiskCache;
import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.cache.TieredCache;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.media.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Cache hit latency: one lookup of a stored response of a typical size (a completion of about
 * {@code chars} characters, roughly 500 tokens by default) in the memory layer, in the SQLite
 * disk layer, and in the memory layer of a tiered cache. 1024 entries are stored and looked up in turn. Sample-time mode reports percentiles;
 * p0.50 is the median.
 *
 * <pre>{@code
 * java -jar bench/target/dspy4j-bench.jar CacheBenchmark -f 1 -wi 3 -i 5 -w 1 -r 1
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CacheBenchmark {

    private static final int ENTRIES = 1024;

    /** The length of the completion text. */
    @Param({"2000"})
    public int chars;

    private Path dir;
    private MemoryCache memory;
    private DiskCache disk;
    private TieredCache tiered;
    private CacheKey[] keys;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("dspy4j-cache-bench");
        memory = MemoryCache.create();
        disk = DiskCache.open(dir.resolve("disk"));
        tiered = TieredCache.open(dir.resolve("tiered"));
        keys = new CacheKey[ENTRIES];
        Random random = new Random(42);
        for (int i = 0; i < ENTRIES; i++) {
            keys[i] = CacheKey.ofBytes(Digest.sha256().digest(("key " + i).getBytes(StandardCharsets.UTF_8)));
            LmResponse r = new LmResponse(
                    List.of(Completion.of(text(random, chars))), new Usage(850, 500), "gpt-4o-mini-2024-07-18", false);
            memory.put(keys[i], r);
            disk.put(keys[i], r);
            tiered.put(keys[i], r);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        disk.close();
        tiered.close();
        memory.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private CacheKey nextKey() {
        int i = next;
        next = (i + 1) & (ENTRIES - 1);
        return keys[i];
    }

    @Benchmark
    public LmResponse memoryHit() {
        return memory.get(nextKey());
    }

    @Benchmark
    public LmResponse diskHit() {
        return disk.get(nextKey());
    }

    /** A memory hit through the tiered cache (it also notes the access for the disk layer's eviction). */
    @Benchmark
    public LmResponse tieredMemoryHit() {
        return tiered.get(nextKey());
    }

    /** Words of lowercase letters, like an answer in prose. */
    private static String text(Random random, int length) {
        StringBuilder sb = new StringBuilder(length + 16);
        while (sb.length() < length) {
            int word = 2 + random.nextInt(8);
            for (int i = 0; i < word; i++) sb.append((char) ('a' + random.nextInt(26)));
            sb.append(random.nextInt(12) == 0 ? ".\n" : " ");
        }
        sb.setLength(length);
        return sb.toString();
    }
}
