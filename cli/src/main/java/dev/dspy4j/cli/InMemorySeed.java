package dev.dspy4j.cli;

import dev.dspy4j.cache.TieredCache;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Payload;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench seed --in-memory}: the seed scenario with payloads that are byte arrays on the heap,
 * as a program streaming a dataset has them. Each query's image is made when it is asked for
 * ({@link Payload#wrap}, no file), predicted through {@link LoopbackChatServer}, and dropped; the
 * demos' images stay in memory for the whole run. The LM keeps its default history of 100 calls and
 * a fresh on-disk cache, so the run shows whether anything (history, cache, in-flight calls, the HTTP
 * client) keeps a finished query's image alive: with {@code -Xmx256m} and 300 queries of about 3 MB,
 * keeping them would need about 900 MB.
 *
 * <p>Reported: {@code cold_ms} (every query sent over HTTP) and {@code warm_ms} (every query made
 * again and served from the cache, one pass each), {@code peak_heap_mb} (largest used heap before a
 * collection) and {@code peak_heap_after_gc_mb} (largest heap still used right after one: what the
 * program held at once).
 */
final class InMemorySeed {
    private static final double MB = 1024.0 * 1024.0;

    private final SeedBenchmark.Config config;
    private final PrintWriter log;
    private boolean ok = true;

    InMemorySeed(SeedBenchmark.Config config, PrintWriter log) {
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
        r.put("in_memory", true);
        r.put("examples", config.examples());
        r.put("demos", config.demos());
        r.put("size", config.size());
        log.printf(
                "dspy4j seed benchmark, in memory: %d queries, %d demos, %dx%d noise PNGs as byte arrays, each"
                        + " query's image made when asked and dropped after its prediction%n",
                config.examples(), config.demos(), config.size(), config.size());
        Path tmp = Files.createTempDirectory("dspy4j-seed-mem-");
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                        .answer(LoopbackChatServer.chatAnswer("label", SeedBenchmark.LABEL))
                        .threads(2)
                        .start();
                TieredCache cache = TieredCache.open(tmp.resolve("cache"))) {
            List<Example> demos = new ArrayList<>();
            long demoBytes = 0;
            for (int i = 0; i < config.demos(); i++) {
                byte[] png = NoiseImage.png(config.size(), config.size(), 1_000_000L + i);
                demoBytes += png.length;
                demos.add(Example.of("image", Image.of(Payload.wrap(png)), "label", "demo label " + i));
            }
            r.put("demo_bytes_total", demoBytes);
            OpenAiChat lm = OpenAiChat.builder()
                    .baseUrl(server.baseUrl())
                    .model(SeedBenchmark.MODEL)
                    .cache(cache)
                    .build();
            Predict predict =
                    Predict.of(SeedBenchmark.SIGNATURE).withDemos(demos).withLm(lm);

            long t = System.nanoTime();
            long queryBytes = 0;
            int labelled = 0;
            for (int i = 0; i < config.examples(); i++) {
                byte[] png = NoiseImage.png(config.size(), config.size(), i);
                queryBytes += png.length;
                Prediction p = predict.call(Map.of("image", Image.of(Payload.wrap(png))));
                if (!p.cacheHit() && SeedBenchmark.LABEL.equals(p.get("label"))) labelled++;
            }
            double coldMs = (System.nanoTime() - t) / 1e6;
            check(
                    labelled == config.examples(),
                    "cold pass: " + labelled + " of " + config.examples() + " predictions parsed from HTTP");
            check(server.requestCount() == config.examples(), "cold pass: " + server.requestCount() + " HTTP requests");
            r.put("query_bytes_total", queryBytes);
            r.put("cold_ms", round(coldMs));
            r.put("cold_requests", server.requestCount());
            r.put("cold_request_mb", round(server.maxBodyBytes() / MB));
            log.printf(
                    "  cold pass         %10.1f ms   %d requests over HTTP, %.1f MB each; %.1f MB of query images"
                            + " made and dropped%n",
                    coldMs, server.requestCount(), server.maxBodyBytes() / MB, queryBytes / MB);

            int before = server.requestCount();
            t = System.nanoTime();
            int hits = 0;
            for (int i = 0; i < config.examples(); i++) {
                Prediction p = predict.call(
                        Map.of("image", Image.of(Payload.wrap(NoiseImage.png(config.size(), config.size(), i)))));
                if (p.cacheHit() && SeedBenchmark.LABEL.equals(p.get("label"))) hits++;
            }
            double warmMs = (System.nanoTime() - t) / 1e6;
            int warmRequests = server.requestCount() - before;
            check(
                    hits == config.examples() && warmRequests == 0,
                    "warm pass: " + hits + " cache hits, " + warmRequests + " HTTP requests");
            r.put("warm_ms", round(warmMs));
            r.put("warm_http_requests", warmRequests);
            log.printf(
                    "  warm pass         %10.1f ms   %d predictions from the cache (each image made again to be"
                            + " asked), %d HTTP requests%n",
                    warmMs, hits, warmRequests);
            r.put("history_entries", lm.history().size());
        } finally {
            SeedBenchmark.deleteTree(tmp);
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long live = rt.totalMemory() - rt.freeMemory();
        long peak = heapPeak.peakBytes();
        long peakLive = heapPeak.peakAfterGcBytes();
        r.put("peak_heap_mb", round(peak / MB));
        r.put("peak_heap_after_gc_mb", round(peakLive / MB));
        r.put("live_heap_mb", round(live / MB));
        r.put("max_heap_mb", round(rt.maxMemory() / MB));
        long rss = SeedBenchmark.peakRssBytes();
        if (rss > 0) r.put("peak_rss_mb", round(rss / MB));
        log.printf(
                "  memory            peak heap %.1f MB, at most %.1f MB still used after a GC, %.1f MB at the end;"
                        + " max heap %.0f MB%s%n",
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

    private void check(boolean condition, String message) {
        if (!condition) {
            ok = false;
            log.println("  CHECK FAILED: " + message);
        }
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
