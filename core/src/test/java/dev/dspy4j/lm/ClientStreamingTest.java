package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Digest;
import dev.dspy4j.media.Image;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.testing.NoiseImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen 4 MB noise PNGs (64 MB, about 85 MB of base64) arrive whole and correct, while the threads
 * that run dspy4j's codec allocate less than 8 MB for the request.
 *
 * <p>Measured threads: the body-writer thread (which runs the Jackson generator and the base64
 * encoder; the test supplies it through {@code bodyExecutor} so that it can be named) and the calling
 * thread (which builds the request, computes the body length, waits, and parses the response). The
 * HTTP client's own threads (JDK code that copies the pipe into its send buffers) are not measured.
 */
class ClientStreamingTest {
    private static final int IMAGES = 16;
    private static final long IMAGE_BYTES = 4L * 1024 * 1024;
    private static final long BOUND = 8L * 1024 * 1024;

    @TempDir
    Path dir;

    private final LoopbackServer server = LoopbackServer.start();
    private final AtomicReference<Thread> writer = new AtomicReference<>();
    private final ExecutorService writerPool = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-body-writer");
        t.setDaemon(true);
        writer.set(t);
        return t;
    });

    @AfterEach
    void stop() {
        server.close();
        writerPool.shutdownNow();
    }

    private static com.sun.management.ThreadMXBean threads() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        mx.setThreadAllocatedMemoryEnabled(true);
        return mx;
    }

    private List<Image> images() {
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            int side = NoiseImage.sideFor(IMAGE_BYTES);
            images.add(Image.of(NoiseImage.writePng(dir, "img" + i + ".png", side, side, 100 + i)));
        }
        images.forEach(img -> img.payload().digest()); // computed before the measured call
        return images;
    }

    private static Prompt prompt(List<Image> images) {
        Prompt.Builder b = Prompt.builder().system("Label each image.").user().text("Images:");
        for (Image img : images) b.text("\n").media(img);
        return b.end().build();
    }

    private long[] measure(HttpLanguageModel lm, LmRequest request) {
        com.sun.management.ThreadMXBean mx = threads();
        // warm up: load classes and start the writer thread with a small request
        lm.complete(LmRequest.of(Prompt.builder()
                .user()
                .text("warm")
                .media(Image.of(TestMedia.png(1000, 1)))
                .end()
                .build()));
        long writerId = writer.get().getId();
        long callerId = Thread.currentThread().getId();
        long w0 = mx.getThreadAllocatedBytes(writerId);
        long c0 = mx.getThreadAllocatedBytes(callerId);
        lm.complete(request);
        long c1 = mx.getThreadAllocatedBytes(callerId);
        long w1 = mx.getThreadAllocatedBytes(writerId);
        return new long[] {w1 - w0, c1 - c0};
    }

    @Test
    void sixteenFourMegabyteImagesArriveWholeWhileTheCodecThreadsAllocateLittle() throws Exception {
        List<Image> images = images();
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-test")
                .cache(null)
                .bodyExecutor(writerPool)
                .build();

        long[] allocated = measure(lm, LmRequest.of(prompt(images)));

        LoopbackServer.Received got = server.last();
        System.out.printf(
                "OpenAI 16 x 4 MB: body %d bytes; allocated: writer thread %d bytes, calling thread %d bytes%n",
                got.body().length, allocated[0], allocated[1]);
        assertThat(got.header("Content-Length")).isEqualTo(String.valueOf(got.body().length));
        long payloadBytes =
                images.stream().mapToLong(img -> img.payload().size()).sum();
        assertThat(payloadBytes).isGreaterThan(IMAGES * (IMAGE_BYTES - 16 * 1024));
        assertThat((long) got.body().length).isGreaterThan(payloadBytes * 4 / 3);
        JsonNode parts = got.json().at("/messages/1/content");
        List<String> urls = new ArrayList<>();
        parts.forEach(p -> {
            if (p.path("type").asText().equals("image_url"))
                urls.add(p.at("/image_url/url").asText());
        });
        assertThat(urls).hasSize(IMAGES);
        for (int i = 0; i < IMAGES; i++) {
            String url = urls.get(i);
            assertThat(url).startsWith("data:image/png;base64,");
            byte[] decoded = Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
            assertThat((long) decoded.length).isEqualTo(images.get(i).payload().size());
            assertThat(Digest.of(MessageDigest.getInstance("SHA-256").digest(decoded)))
                    .isEqualTo(images.get(i).payload().digest());
        }
        assertThat(allocated[0]).as("bytes allocated by the body-writer thread").isLessThan(BOUND);
        assertThat(allocated[1]).as("bytes allocated by the calling thread").isLessThan(BOUND);
    }

    @Test
    void anthropicStreamsTheSameWay() throws Exception {
        List<Image> images = images();
        server.defaultReply(LoopbackServer.json(200, LoopbackServer.anthropicMessage("ok")));
        AnthropicChat lm = AnthropicChat.builder()
                .baseUrl(server.url())
                .model("claude-test")
                .cache(null)
                .bodyExecutor(writerPool)
                .build();

        long[] allocated = measure(lm, LmRequest.of(prompt(images)));

        LoopbackServer.Received got = server.last();
        System.out.printf(
                "Anthropic 16 x 4 MB: body %d bytes; allocated: writer thread %d bytes, calling thread %d bytes%n",
                got.body().length, allocated[0], allocated[1]);
        int n = 0;
        for (JsonNode block : got.json().at("/messages/0/content")) {
            if (!block.path("type").asText().equals("image")) continue;
            byte[] decoded = Base64.getDecoder().decode(block.at("/source/data").asText());
            assertThat(Digest.of(MessageDigest.getInstance("SHA-256").digest(decoded)))
                    .isEqualTo(images.get(n).payload().digest());
            n++;
        }
        assertThat(n).isEqualTo(IMAGES);
        assertThat(allocated[0]).as("bytes allocated by the body-writer thread").isLessThan(BOUND);
        assertThat(allocated[1]).as("bytes allocated by the calling thread").isLessThan(BOUND);
    }

    @Test
    void aServerThatAnswersBeforeReadingTheBodyLeavesNoWriterBehind() throws Exception {
        server.readBodies(false).defaultReply(LoopbackServer.json(401, "{\"error\":{\"message\":\"no key\"}}"));
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < 4; i++) images.add(Image.of(TestMedia.pngFile(dir, "big" + i + ".png", IMAGE_BYTES, i)));
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-test")
                .cache(null)
                .retryPolicy(RetryPolicy.none())
                .bodyExecutor(writerPool)
                .pipeBytes(64 * 1024)
                .build();

        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> lm.complete(LmRequest.of(prompt(images))));

        // the server either answered 401 or dropped the connection while the body was still coming
        assertThat(t).isInstanceOf(LmException.class);
        if (t instanceof AuthenticationException a) assertThat(a.status()).isEqualTo(401);
        // the writer was released: the single writer thread is free to run the next task
        assertThat(writerPool.submit(() -> "free").get(60, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo("free");
    }

    @Test
    void concurrentRequestsOnOneClientEachArriveIntact() throws Exception {
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-test")
                .cache(null)
                .build();
        int threads = 8;
        List<byte[]> pngs = new ArrayList<>();
        for (int i = 0; i < threads; i++) pngs.add(TestMedia.png(300_000 + i, 500 + i));
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<LmResponse>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int k = i;
                futures.add(callers.submit(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .user()
                        .text("request " + k)
                        .media(Image.of(pngs.get(k)))
                        .end()
                        .build()))));
            }
            for (java.util.concurrent.Future<LmResponse> f : futures) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)
                                .first()
                                .text())
                        .isEqualTo("ok");
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(server.requests()).hasSize(threads);
        for (LoopbackServer.Received r : server.requests()) {
            JsonNode content = r.json().at("/messages/0/content");
            int k = Integer.parseInt(content.get(0).get("text").asText().substring("request ".length()));
            assertThat(content.get(1).at("/image_url/url").asText())
                    .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(pngs.get(k)));
        }
    }
}
