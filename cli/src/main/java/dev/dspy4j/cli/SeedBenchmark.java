package dev.dspy4j.cli;

import dev.dspy4j.cache.TieredCache;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiResponses;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The seed scenario of the design document, end to end, in this process: noise PNGs written to a
 * temporary folder, payload digests, prompt formatting and cache keys, a cold pass through
 * {@link LoopbackChatServer} (every request sent over HTTP, a fresh cache), a warm pass from the
 * memory tier and one from the disk tier, memory figures, and a sweep of format+key time over image
 * sizes from 10 KB to 4 MB. Sizes in {@code *_mb} fields are MiB (2^20 bytes).
 *
 * <p>{@code cold_wire_mb} is what the server received in the cold pass: request bodies plus upload
 * bodies. Without {@code uploads} the LM is {@link OpenAiChat} and every request carries every image
 * inline; with it the LM is {@link OpenAiResponses} with {@code uploads(true)}, so each distinct image
 * is uploaded once (counted in {@code cold_uploads} and {@code cold_upload_mb}) and requests name file ids.
 *
 * <p>{@code format_ms}, {@code key_ms} and {@code warm_ms} are each the median of five passes over
 * all queries, run after a first pass and two warm-up passes; the first pass (which includes the
 * JIT compiling the code) is reported as {@code *_first_ms}. The cold pass runs once, against a
 * fresh cache. {@code peak_heap_mb} is the largest used heap seen before any collection.
 */
final class SeedBenchmark {
    static final String MODEL = "seed-loopback";
    static final Signature SIGNATURE = Signature.parse("image: Image -> label");
    static final String LABEL = "noise";
    private static final double MB = 1024.0 * 1024.0;

    /**
     * @param examples  queries
     * @param demos     few-shot demos
     * @param size      image side in pixels
     * @param sweep     whether to run the size sweep
     * @param sweepReps timed repetitions per sweep size
     * @param uploads   the cold pass goes through the Responses client with uploads on (each image uploaded
     *                  once through the Files API, then sent by file id)
     */
    record Config(int examples, int demos, int size, boolean sweep, int sweepReps, boolean uploads) {
        Config(int examples, int demos, int size, boolean sweep, int sweepReps) {
            this(examples, demos, size, sweep, sweepReps, false);
        }
    }

    private final Config config;
    private final PrintWriter log;
    private boolean ok = true;

    SeedBenchmark(Config config, PrintWriter log) {
        this.config = config;
        this.log = log;
    }

    Map<String, Object> run() throws IOException {
        try (HeapPeak heapPeak = new HeapPeak()) {
            return run(heapPeak);
        }
    }

    private Map<String, Object> run(HeapPeak heapPeak) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("examples", config.examples());
        r.put("demos", config.demos());
        r.put("size", config.size());
        r.put("uploads", config.uploads());
        log.printf(
                "dspy4j seed benchmark: %d queries, %d demos, %dx%d noise PNGs, signature '%s'%n",
                config.examples(), config.demos(), config.size(), config.size(), SIGNATURE.toSignatureString());
        Path tmp = Files.createTempDirectory("dspy4j-seed-");
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .answer(LoopbackChatServer.chatAnswer("label", LABEL))
                .threads(2)
                .start()) {
            log.println("  loopback server   " + server.baseUrl());
            // 1. images as files
            long t = System.nanoTime();
            List<Path> demoFiles = new ArrayList<>();
            List<Path> queryFiles = new ArrayList<>();
            Path images = tmp.resolve("images");
            for (int i = 0; i < config.demos(); i++) {
                demoFiles.add(NoiseImage.writePng(
                        images, String.format("demo-%03d.png", i), config.size(), config.size(), 1_000_000L + i));
            }
            for (int i = 0; i < config.examples(); i++) {
                queryFiles.add(NoiseImage.writePng(
                        images, String.format("query-%03d.png", i), config.size(), config.size(), i));
            }
            long bytes = 0;
            for (Path p : demoFiles) bytes += Files.size(p);
            for (Path p : queryFiles) bytes += Files.size(p);
            double genMs = ms(t);
            r.put("images", demoFiles.size() + queryFiles.size());
            r.put("image_bytes_total", bytes);
            r.put("generate_ms", round(genMs));
            stage(
                    "generate images",
                    (demoFiles.size() + queryFiles.size()) + " PNGs in " + tmp + ", " + mb(bytes) + " MB",
                    genMs);

            // 2. payloads (file-backed) and their digests
            List<Image> demoImages = demoFiles.stream().map(Image::of).toList();
            List<Image> queries = queryFiles.stream().map(Image::of).toList();
            t = System.nanoTime();
            for (Image i : demoImages) i.payload().digest();
            for (Image i : queries) i.payload().digest();
            double digestMs = ms(t);
            r.put("digest_ms", round(digestMs));
            stage("digest payloads", (demoImages.size() + queries.size()) + " SHA-256 digests, once each", digestMs);

            List<Example> demos = new ArrayList<>();
            for (int i = 0; i < demoImages.size(); i++) {
                demos.add(Example.of("image", demoImages.get(i), "label", "demo label " + i));
            }
            Path cacheDir = tmp.resolve("cache");
            TieredCache cache = TieredCache.open(cacheDir);
            LanguageModel lm = lm(server, cache);
            Predict predict = Predict.of(SIGNATURE).withDemos(demos).withLm(lm);

            // 3. format, and 4. cache keys: the first pass, then the median of the passes after two warm-up passes
            List<Prompt> prompts = new ArrayList<>(queries.size());
            double[] format = passes(() -> {
                prompts.clear();
                for (Image q : queries) prompts.add(predict.format(Map.of("image", q)));
            });
            r.put("format_ms", round(median(format)));
            r.put("format_first_ms", round(format[0]));
            int parts = prompts.get(0).messages().stream()
                    .mapToInt(m -> m.parts().size())
                    .sum();
            stage(
                    "format prompts",
                    prompts.size() + " prompts, " + prompts.get(0).messages().size() + " messages and " + parts
                            + " parts each (first pass " + fmt(format[0]) + ")",
                    median(format));

            CacheKey[] keys = new CacheKey[prompts.size()];
            double[] key = passes(() -> {
                for (int i = 0; i < keys.length; i++) keys[i] = CacheKey.of(MODEL, LmRequest.of(prompts.get(i)));
            });
            r.put("key_ms", round(median(key)));
            r.put("key_first_ms", round(key[0]));
            stage("cache keys", keys.length + " keys (first pass " + fmt(key[0]) + ")", median(key));
            prompts.clear();

            // 5. cold pass: every request over HTTP
            t = System.nanoTime();
            int labelled = 0;
            for (Image q : queries) {
                Prediction p = predict.call(Map.of("image", q));
                if (!p.cacheHit() && LABEL.equals(p.get("label"))) labelled++;
            }
            double coldMs = ms(t);
            int coldRequests = server.requestCount();
            int uploads = server.files().uploadCount();
            long wire = server.totalBodyBytes() + server.files().uploadBytes();
            check(
                    coldRequests == queries.size(),
                    "cold pass: " + coldRequests + " HTTP requests for " + queries.size() + " queries");
            check(
                    labelled == queries.size(),
                    "cold pass: " + labelled + " of " + queries.size() + " predictions parsed from HTTP");
            r.put("cold_ms", round(coldMs));
            r.put("cold_requests", coldRequests);
            r.put("cold_request_mb", round(server.maxBodyBytes() / MB));
            r.put("cold_total_mb", round(server.totalBodyBytes() / MB));
            r.put("cold_uploads", uploads);
            r.put("cold_upload_mb", round(server.files().uploadBytes() / MB));
            r.put("cold_wire_mb", round(wire / MB));
            if (config.uploads()) {
                int distinct = demoImages.size() + queries.size();
                check(uploads == distinct, "cold pass: " + uploads + " uploads for " + distinct + " distinct images");
            } else {
                check(uploads == 0, "cold pass: " + uploads + " uploads without --uploads");
            }
            stage(
                    "cold pass",
                    coldRequests + " requests over HTTP, " + size(server.maxBodyBytes()) + " each, "
                            + mb(server.totalBodyBytes()) + " MB in all"
                            + (config.uploads()
                                    ? "; " + uploads + " uploads, "
                                            + mb(server.files().uploadBytes()) + " MB"
                                    : "")
                            + "; " + mb(wire) + " MB on the wire",
                    coldMs);

            // 6. warm pass: every prediction from the cache (memory tier): format, key, lookup, parse;
            //    the first pass, then the median of the passes after two warm-up passes
            int before = server.requestCount();
            int[] hits = new int[1];
            double[] warm = passes(() -> {
                hits[0] = 0;
                for (Image q : queries) {
                    Prediction p = predict.call(Map.of("image", q));
                    if (p.cacheHit() && LABEL.equals(p.get("label"))) hits[0]++;
                }
            });
            int warmRequests = server.requestCount() - before;
            check(
                    hits[0] == queries.size(),
                    "warm pass: " + hits[0] + " of " + queries.size() + " predictions from the cache");
            check(warmRequests == 0, "warm pass: " + warmRequests + " HTTP requests");
            r.put("warm_ms", round(median(warm)));
            r.put("warm_first_ms", round(warm[0]));
            r.put("warm_http_requests", warmRequests);
            stage(
                    "warm pass",
                    hits[0] + " predictions from the cache, " + warmRequests + " HTTP requests in " + warm.length
                            + " passes (first pass " + fmt(warm[0]) + ")",
                    median(warm));
            cache.close();

            // 7. warm pass from disk: a new process would see this (empty memory tier)
            try (TieredCache reopened = TieredCache.open(cacheDir)) {
                Predict fromDisk = predict.withLm(lm(server, reopened));
                int diskBefore = server.requestCount();
                long t1 = System.nanoTime();
                int diskHits = 0;
                for (Image q : queries) {
                    Prediction p = fromDisk.call(Map.of("image", q));
                    if (p.cacheHit() && LABEL.equals(p.get("label"))) diskHits++;
                }
                double diskMs = ms(t1);
                check(
                        diskHits == queries.size() && server.requestCount() == diskBefore,
                        "warm pass from disk: " + diskHits + " hits, " + (server.requestCount() - diskBefore)
                                + " HTTP requests");
                r.put("warm_disk_ms", round(diskMs));
                stage("warm pass (disk)", diskHits + " predictions from the reopened on-disk cache, one pass", diskMs);
            }
        } finally {
            deleteTree(tmp);
        }

        // 8. size sweep
        if (config.sweep()) {
            r.put("sweep", new SizeSweep(config.demos() + 1, config.sweepReps(), log).run());
        }

        // 9. memory
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long live = rt.totalMemory() - rt.freeMemory();
        long peak = heapPeak.peakBytes();
        r.put("peak_heap_mb", round(peak / MB));
        long peakLive = heapPeak.peakAfterGcBytes();
        r.put("peak_heap_after_gc_mb", round(peakLive / MB));
        r.put("live_heap_mb", round(live / MB));
        r.put("max_heap_mb", round(rt.maxMemory() / MB));
        long rss = peakRssBytes();
        if (rss > 0) r.put("peak_rss_mb", round(rss / MB));
        log.printf(
                "  memory            peak heap %.1f MB (largest used heap, taken before each GC), at most %.1f MB "
                        + "still used after a GC, %.1f MB at the end; max heap %.0f MB%s%n",
                peak / MB,
                peakLive / MB,
                live / MB,
                rt.maxMemory() / MB,
                rss > 0 ? String.format(", peak RSS %.1f MB", rss / MB) : "");
        r.put("ok", ok);
        log.println(ok ? "  ok" : "  FAILED: see the messages above");
        log.flush();
        return r;
    }

    /** The cold pass's LM: chat completions, or with uploads the Responses client (which takes images by file id). */
    private LanguageModel lm(LoopbackChatServer server, TieredCache cache) {
        if (!config.uploads())
            return OpenAiChat.builder()
                    .baseUrl(server.baseUrl())
                    .model(MODEL)
                    .cache(cache)
                    .build();
        return OpenAiResponses.builder()
                .baseUrl(server.baseUrl())
                .model(MODEL)
                .cache(cache)
                .uploads(true)
                .build();
    }

    /** Times 7 runs of {@code pass}: the first, two warm-up runs, five more; see {@link #median}. */
    private static double[] passes(Runnable pass) {
        double[] t = new double[7];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            pass.run();
            t[i] = ms(t0);
        }
        return t;
    }

    /** The median of the runs after the first three (the first run and two warm-up runs). */
    private static double median(double[] passes) {
        double[] s = Arrays.copyOfRange(passes, 3, passes.length);
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String fmt(double ms) {
        return String.format("%.1f ms", ms);
    }

    private void check(boolean condition, String message) {
        if (!condition) {
            ok = false;
            log.println("  CHECK FAILED: " + message);
        }
    }

    private void stage(String name, String detail, double ms) {
        log.printf(
                "  %-17s %10s   %s%n",
                name, ms >= 10_000 ? String.format("%.1f s", ms / 1000) : String.format("%.1f ms", ms), detail);
        log.flush();
    }

    private static double ms(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    private static String mb(long bytes) {
        return String.format("%.1f", bytes / MB);
    }

    /** {@code 61.1 MB}, or in KB below 0.1 MB (a request naming uploaded file ids is a few KB: "0.0 MB" said nothing). */
    static String size(long bytes) {
        return bytes >= MB / 10 ? mb(bytes) + " MB" : String.format("%.1f KB", bytes / 1024.0);
    }

    /** The process's peak resident set size from /proc (Linux), or 0. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
