package dev.dspy4j.bench;

import dev.dspy4j.lm.CallExecutors;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.RateLimit;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.testing.LoopbackChatServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;

/**
 * Throughput of short requests through one rate-limited LM shared by many threads, against the loopback
 * chat server: the time for all of them, the rate reached, and the most requests the server saw in any
 * one-second window (which the limit bounds by {@code burst + rpm / 60}). The same run without a limit
 * shows the client's own ceiling on this machine.
 *
 * <pre>
 * mvn -B -q -pl core,bench package -DskipTests
 * java -cp bench/target/dspy4j-bench.jar dev.dspy4j.bench.RateLimitBench [requests=1000] [rpm=12000] [concurrency=64]
 * </pre>
 */
public final class RateLimitBench {
    private RateLimitBench() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long rpm = args.length > 1 ? Long.parseLong(args[1]) : 12_000;
        int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        System.out.printf(
                Locale.ROOT,
                "%d short requests, %d at once, %s threads%n",
                requests,
                concurrency,
                CallExecutors.virtualThreadsAvailable() ? "virtual" : "platform");
        run("warm-up", 300, null, concurrency);
        run("no limit", requests, null, concurrency);
        run("rpm " + rpm, requests, RateLimit.builder().requestsPerMinute(rpm).build(), concurrency);
    }

    private static void run(String label, int requests, RateLimit limit, int concurrency) throws Exception {
        ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .threads(16)
                .respond(r -> {
                    arrivals.add(System.nanoTime());
                    return "[[ ## answer ## ]]\nok\n\n[[ ## completed ## ]]";
                })
                .start()) {
            OpenAiChat lm = OpenAiChat.builder()
                    .baseUrl(server.baseUrl())
                    .model("bench")
                    .cache(null)
                    .historySize(0)
                    .rateLimit(limit)
                    .build();
            ExecutorService pool = CallExecutors.newPerTaskExecutor("bench");
            java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(concurrency);
            long t0 = System.nanoTime();
            List<CompletableFuture<LmResponse>> fs = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                window.acquire();
                CompletableFuture<LmResponse> f = lm.completeAsync(
                        LmRequest.of(Prompt.builder().user("q" + i).build()), pool);
                fs.add(f.whenComplete((r, e) -> window.release()));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).join();
            double seconds = (System.nanoTime() - t0) / 1e9;
            pool.shutdown();
            System.out.printf(
                    Locale.ROOT,
                    "%-10s %d requests in %.2f s = %.0f requests/s; most in any 1 s window at the server: %d%s%n",
                    label,
                    requests,
                    seconds,
                    requests / seconds,
                    maxInWindow(arrivals, 1_000_000_000L),
                    limit == null ? "" : " (limit allows " + (Math.max(1, limit.requestsPerMinute() / 60) * 2) + ")");
        }
    }

    /** The most arrivals within any window of {@code nanos}. */
    private static int maxInWindow(ConcurrentLinkedQueue<Long> arrivals, long nanos) {
        long[] t = arrivals.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(t);
        int best = 0;
        int lo = 0;
        for (int hi = 0; hi < t.length; hi++) {
            while (t[hi] - t[lo] > nanos) lo++;
            best = Math.max(best, hi - lo + 1);
        }
        return best;
    }
}
