package dev.dspy4j.cli;

import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The size sweep of the seed benchmark: the median time to format a prompt of {@code n} noise images
 * ({@code n - 1} demos and the query) and compute its cache key, for image sizes from 10 KB to 4 MB.
 * The sizes are interleaved in every repetition, after warm-up repetitions, so that JIT compilation
 * and GC pauses fall on all sizes alike. The point: a prompt's cost must not grow with its images' bytes
 * (payloads are references with a digest computed once).
 */
final class SizeSweep {
    /** The target PNG sizes in bytes (the noise images come out close to them). */
    static final long[] SWEEP_TARGETS = {10 * 1024, 100 * 1024, 1024 * 1024, 4 * 1024 * 1024};

    private final int n;
    private final int reps;
    private final PrintWriter log;

    /**
     * @param n    images per prompt (demos + 1)
     * @param reps timed repetitions per size
     * @param log  where each size's line and the ratio are printed
     */
    SizeSweep(int n, int reps, PrintWriter log) {
        this.n = n;
        this.reps = reps;
        this.log = log;
    }

    /** The median time for each size, in {@code SWEEP_TARGETS} order: {@code image_bytes}, {@code images}, {@code format_key_us}. */
    List<Map<String, Object>> run() throws IOException {
        Path tmp = Files.createTempDirectory("dspy4j-sweep-");
        try {
            List<Predict> programs = new ArrayList<>();
            List<Map<String, Object>> inputs = new ArrayList<>();
            long[] meanBytes = new long[SWEEP_TARGETS.length];
            for (int s = 0; s < SWEEP_TARGETS.length; s++) {
                int side = NoiseImage.sideFor(SWEEP_TARGETS[s]);
                List<Image> imgs = new ArrayList<>();
                long total = 0;
                for (int i = 0; i < n; i++) {
                    Path f = NoiseImage.writePng(
                            tmp, "s" + s + "-" + i + ".png", side, side, 7_000_000L + 1000L * s + i);
                    total += Files.size(f);
                    Image img = Image.of(f);
                    img.payload().digest();
                    imgs.add(img);
                }
                meanBytes[s] = total / n;
                List<Example> demos = new ArrayList<>();
                for (int i = 0; i < n - 1; i++) demos.add(Example.of("image", imgs.get(i), "label", "demo label " + i));
                programs.add(Predict.of(SeedBenchmark.SIGNATURE).withDemos(demos));
                inputs.add(Map.of("image", imgs.get(n - 1)));
            }
            int warm = Math.max(200, reps / 2);
            for (int i = 0; i < warm; i++) {
                for (int s = 0; s < SWEEP_TARGETS.length; s++) formatAndKey(programs.get(s), inputs.get(s));
            }
            long[][] times = new long[SWEEP_TARGETS.length][reps];
            for (int i = 0; i < reps; i++) {
                for (int s = 0; s < SWEEP_TARGETS.length; s++) {
                    long t = System.nanoTime();
                    formatAndKey(programs.get(s), inputs.get(s));
                    times[s][i] = System.nanoTime() - t;
                }
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (int s = 0; s < SWEEP_TARGETS.length; s++) {
                long[] ts = times[s];
                Arrays.sort(ts);
                double us = ts[ts.length / 2] / 1000.0;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("image_bytes", meanBytes[s]);
                m.put("images", n);
                m.put("format_key_us", SeedBenchmark.round(us));
                out.add(m);
                log.printf(
                        "  sweep             %d images of %,d bytes: format+key median %.1f us (%d reps)%n",
                        n, meanBytes[s], us, ts.length);
            }
            double first = (double) out.get(0).get("format_key_us");
            double lastUs = (double) out.get(out.size() - 1).get("format_key_us");
            log.printf(
                    "  sweep ratio       %.2fx from %,d to %,d bytes per image%n",
                    lastUs / first, meanBytes[0], meanBytes[meanBytes.length - 1]);
            return out;
        } finally {
            SeedBenchmark.deleteTree(tmp);
        }
    }

    private static CacheKey formatAndKey(Predict p, Map<String, Object> input) {
        return CacheKey.of(SeedBenchmark.MODEL, LmRequest.of(p.format(input)));
    }
}
