package dev.dspy4j.bench;

import com.sun.net.httpserver.HttpServer;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Image;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.testing.NoiseImage;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends one 64 MB multimodal request (16 file-backed 4 MB noise PNGs from {@link NoiseImage}) to an OpenAI-compatible server on
 * loopback, several times, and reports the throughput and the bytes allocated per request by each
 * group of threads: the body-writer thread (dspy4j's codec), the calling thread, the JDK HTTP
 * client's threads, and the server's threads.
 *
 * <pre>
 * mvn -B -q -o -pl core,bench package -DskipTests
 * java -cp bench/target/dspy4j-bench.jar dev.dspy4j.bench.ClientSendBench [images=16] [imageMB=4] [runs=5]
 * </pre>
 */
public final class ClientSendBench {
    private ClientSendBench() {}

    public static void main(String[] args) throws Exception {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int imageMb = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.setThreadAllocatedMemoryEnabled(true);

        Path dir = Files.createTempDirectory("dspy4j-send-bench");
        Prompt.Builder pb = Prompt.builder().system("Label each image.").user().text("Images:");
        long payloadBytes = 0;
        for (int i = 0; i < images; i++) {
            int side = NoiseImage.sideFor(imageMb * 1024L * 1024);
            Path f = NoiseImage.writePng(dir, "img" + i + ".png", side, side, i);
            pb.text("\n").media(Image.of(f));
            payloadBytes += Files.size(f);
        }
        LmRequest request = LmRequest.of(pb.end().build());

        AtomicLong received = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ExecutorService serverPool = Executors.newFixedThreadPool(2, named("bench-server"));
        server.setExecutor(serverPool);
        byte[] answer =
                ("{\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}")
                        .getBytes(StandardCharsets.UTF_8);
        server.createContext("/", ex -> {
            byte[] buf = new byte[64 * 1024];
            long n = 0;
            try (InputStream in = ex.getRequestBody()) {
                int r;
                while ((r = in.read(buf)) > 0) n += r;
            }
            received.set(n);
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();

        AtomicReference<Thread> writer = new AtomicReference<>();
        ExecutorService writerPool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bench-body-writer");
            t.setDaemon(true);
            writer.set(t);
            return t;
        });
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .model("bench")
                .cache(null)
                .bodyExecutor(writerPool)
                .build();

        System.out.printf(
                "request: %d images x %d MB = %.1f MB of payload (file-backed)%n",
                images, imageMb, payloadBytes / 1048576.0);
        for (int run = -2; run < runs; run++) {
            Map<String, Long> before = allocatedByGroup(mx, writer.get());
            long t0 = System.nanoTime();
            LmResponse r = lm.complete(request);
            long t1 = System.nanoTime();
            Map<String, Long> after = allocatedByGroup(mx, writer.get());
            if (!r.first().text().equals("ok")) throw new IllegalStateException("unexpected answer " + r);
            double seconds = (t1 - t0) / 1e9;
            String label = run < 0 ? "warm-up" : "run " + (run + 1);
            System.out.printf(
                    "%-8s body %.1f MB in %.3f s: %.0f MB/s of body, %.0f MB/s of payload; allocated per request:"
                            + " writer %s, caller %s, JDK HTTP client %s, server %s%n",
                    label,
                    received.get() / 1048576.0,
                    seconds,
                    received.get() / 1048576.0 / seconds,
                    payloadBytes / 1048576.0 / seconds,
                    mb(after, before, "writer"),
                    mb(after, before, "caller"),
                    mb(after, before, "http"),
                    mb(after, before, "server"));
        }
        server.stop(0);
        serverPool.shutdownNow();
        writerPool.shutdownNow();
        try (var files = Files.list(dir)) {
            files.forEach(p -> p.toFile().delete());
        }
        Files.delete(dir);
    }

    private static String mb(Map<String, Long> after, Map<String, Long> before, String group) {
        long d = after.getOrDefault(group, 0L) - before.getOrDefault(group, 0L);
        return d < 1024 * 1024 ? String.format("%.1f KB", d / 1024.0) : String.format("%.2f MB", d / 1048576.0);
    }

    /** Bytes allocated so far by the threads of each group (threads alive now). */
    private static Map<String, Long> allocatedByGroup(com.sun.management.ThreadMXBean mx, Thread writer) {
        Map<String, Long> out = new HashMap<>();
        long[] ids = mx.getAllThreadIds();
        long[] bytes = mx.getThreadAllocatedBytes(ids);
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] < 0) continue;
            java.lang.management.ThreadInfo info = mx.getThreadInfo(ids[i]);
            if (info == null) continue;
            String name = info.getThreadName();
            String group = writer != null && ids[i] == writer.getId()
                    ? "writer"
                    : ids[i] == Thread.currentThread().getId()
                            ? "caller"
                            : name.startsWith("HttpClient")
                                    ? "http"
                                    : name.startsWith("bench-server") || name.startsWith("HTTP-Dispatcher")
                                            ? "server"
                                            : "other";
            out.merge(group, bytes[i], Long::sum);
        }
        return out;
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
