package dev.dspy4j.bench;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.media.Image;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * The seed shape: signature {@code image: Image -> label: str}, 15 demos and one input, each with its
 * own noise PNG (a file read on demand) of about {@code imageBytes} bytes, digests taken in setup.
 * Measures {@code ChatAdapter.format} alone, and format plus cache key. Both should be flat in the
 * image size: neither touches payload bytes.
 *
 * <pre>java -jar bench/target/dspy4j-bench.jar FormatKeyBenchmark -prof gc -f 1 -wi 3 -i 5 -w 1 -r 1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FormatKeyBenchmark {
    static final int DEMOS = 15;
    static final String MODEL = "gpt-4o-mini";

    /** Approximate size of each image file: 10 KB, 100 KB, 1 MB, 4 MB. */
    @Param({"10240", "102400", "1048576", "4194304"})
    public long imageBytes;

    private Path dir;
    private Adapter adapter;
    private Signature signature;
    private List<Example> demos;
    private Map<String, Object> inputs;
    private TreeMap<String, Object> params;
    private Prompt prompt;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("dspy4j-formatkey");
        int side = NoiseImage.sideFor(imageBytes);
        adapter = ChatAdapter.create();
        signature = Signature.parse("image: Image -> label: str", "Name the main colour of the image.");
        demos = new ArrayList<>();
        for (int i = 0; i < DEMOS; i++) {
            Image img = Image.of(NoiseImage.writePng(dir, "demo-" + i + ".png", side, side, i));
            img.payload().digest();
            demos.add(Example.of("image", img, "label", "colour " + i));
        }
        Image query = Image.of(NoiseImage.writePng(dir, "query.png", side, side, 1000));
        query.payload().digest();
        inputs = Map.of("image", query);
        params = new TreeMap<>(Map.of("temperature", 0.0, "max_tokens", 64));
        prompt = adapter.format(signature, demos, inputs);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Formatting the prompt: 16 image parts placed by reference. */
    @Benchmark
    public Prompt format() {
        return adapter.format(signature, demos, inputs);
    }

    /** Formatting plus the cache key of the request. */
    @Benchmark
    public CacheKey formatAndKey() {
        Prompt p = adapter.format(signature, demos, inputs);
        return CacheKey.of(MODEL, new LmRequest(p, params, 1, null, true));
    }

    /** The cache key of an already formatted request. */
    @Benchmark
    public CacheKey key() {
        return CacheKey.of(MODEL, new LmRequest(prompt, params, 1, null, true));
    }
}
