package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.prompt.Prompt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A misbehaving server cannot exhaust or hang the client: a response size limit, the timeout over a
 * body shorter than its Content-Length, a Retry-After past the cap, content encodings. Loopback server.
 */
class ClientLimitsTest {
    private final LoopbackServer server = LoopbackServer.start();
    private static final LmRequest HELLO =
            LmRequest.of(Prompt.builder().user("hello").build());
    private static final RetryPolicy FAST =
            RetryPolicy.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(20));

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiChat.Builder client() {
        return OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-test")
                .cache(null)
                .retryPolicy(FAST);
    }

    /** Sends a chunked 200 body of JSON-looking text until the client goes away; counts the bytes written. */
    private static LoopbackServer.Reply endless(AtomicLong written) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 0); // chunked, no length
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            OutputStream out = ex.getResponseBody();
            out.write('{');
            while (!Thread.currentThread().isInterrupted()) {
                out.write(chunk); // throws once the client has closed the connection
                out.flush();
                written.addAndGet(chunk.length);
            }
        };
    }

    @Test
    void aChunkedResponseThatNeverEndsFailsAtTheLimitAndTheNextCallStillWorks() {
        AtomicLong written = new AtomicLong();
        server.enqueue(endless(written));
        OpenAiChat lm = client().maxResponseBytes(1 << 20).build();

        ResponseTooLargeException e = catchThrowableOfType(ResponseTooLargeException.class, () -> lm.complete(HELLO));

        assertThat(e).isNotNull();
        assertThat(e.getMessage())
                .contains(" at " + server.url() + "/v1/chat/completions")
                .contains("past the limit of 1048576 bytes")
                .contains("maxResponseBytes");
        assertThat(e.limit()).isEqualTo(1 << 20);
        assertThat(server.requestCount()).isEqualTo(1); // not retried
        assertThat(lm.complete(HELLO).first().text()).isEqualTo("ok");
    }

    @Test
    void theDefaultLimitIs32MiBAndAnAnnouncedLengthOverTheLimitIsRefusedBeforeReading() {
        assertThat(client().build().maxResponseBytes()).isEqualTo(32L << 20);
        server.enqueue(ex -> {
            ex.sendResponseHeaders(200, 5_000_000);
            ex.getResponseBody().write(new byte[1000]);
            ex.getResponseBody().flush();
            sleepQuietly(10_000);
        });
        ResponseTooLargeException e = catchThrowableOfType(
                ResponseTooLargeException.class,
                () -> client().maxResponseBytes(1 << 20)
                        .timeout(Duration.ofSeconds(30))
                        .build()
                        .complete(HELLO));
        assertThat(e.getMessage())
                .contains("announces 5000000 bytes (Content-Length), over the limit of 1048576 bytes");
    }

    @Test
    void aBodyShorterThanItsContentLengthThatStaysOpenIsBoundedByTheTimeoutPerAttempt() {
        server.defaultReply(ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 1000);
            ex.getResponseBody().write("{\"choices\":".getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            sleepQuietly(30_000);
        });
        OpenAiChat lm = client().timeout(Duration.ofMillis(500)).maxAttempts(2).build();
        long t0 = System.nanoTime();
        LmTimeoutException e = catchThrowableOfType(LmTimeoutException.class, () -> lm.complete(HELLO));
        assertThat(e.getMessage())
                .contains("no complete response within PT0.5S")
                .contains("attempt 2 of 2");
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aRetryAfterLongerThanTheCapFailsWithAMessageSayingSo() {
        server.defaultReply(
                LoopbackServer.json(503, "{\"error\":{\"message\":\"maintenance\"}}", "Retry-After", "3600"));
        ServerException e = catchThrowableOfType(
                ServerException.class, () -> client().build().complete(HELLO));
        assertThat(e.getMessage())
                .contains("HTTP 503 (attempt 1 of 3): maintenance")
                .contains(
                        "the server asked to wait 3600 s before retrying (Retry-After), longer than the 60 s this client "
                                + "waits at most (RetryPolicy.maxRetryAfter), so it gives up now");
        assertThat(server.requestCount()).isEqualTo(1);

        server.defaultReply(LoopbackServer.json(429, "{\"error\":{\"message\":\"quota\"}}", "Retry-After", "120"));
        RateLimitException r = catchThrowableOfType(
                RateLimitException.class,
                () -> client().retryPolicy(FAST.withMaxRetryAfter(Duration.ofSeconds(90)))
                        .build()
                        .complete(HELLO));
        assertThat(r.getMessage()).contains("wait 120 s").contains("longer than the 90 s");
        assertThat(r.retryAfter()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void aGzipBodyIsAskedForAndDecoded() throws IOException {
        byte[] gz = gzip(LoopbackServer.chatCompletion("from gzip").getBytes(StandardCharsets.UTF_8));
        server.enqueue(raw(200, gz, "Content-Encoding", "gzip"));
        assertThat(client().build().complete(HELLO).first().text()).isEqualTo("from gzip");
        assertThat(server.last().header("Accept-Encoding")).isEqualTo("gzip");

        server.enqueue(raw(
                500,
                gzip("{\"error\":{\"message\":\"compressed failure\"}}".getBytes(StandardCharsets.UTF_8)),
                "Content-Encoding",
                "gzip"));
        ServerException e = catchThrowableOfType(
                ServerException.class, () -> client().maxAttempts(1).build().complete(HELLO));
        assertThat(e.providerMessage()).isEqualTo("compressed failure");
    }

    @Test
    void aGzipBodyThatDecompressesPastTheLimitFailsAtTheLimit() throws IOException {
        byte[] bomb = gzip(new byte[8 << 20]); // 8 MiB of zeros: about 8 KB compressed
        assertThat(bomb.length).isLessThan(64 * 1024);
        server.enqueue(raw(200, bomb, "Content-Encoding", "gzip"));
        ResponseTooLargeException e = catchThrowableOfType(
                ResponseTooLargeException.class,
                () -> client().maxResponseBytes(1 << 20).build().complete(HELLO));
        assertThat(e.getMessage()).contains("decompresses to more than the limit of 1048576 bytes");
    }

    @Test
    void anEncodingTheClientDidNotAskForIsNamed() {
        server.enqueue(raw(200, new byte[] {1, 2, 3, 4}, "Content-Encoding", "br"));
        Throwable t = catchThrowable(() -> client().build().complete(HELLO));
        assertThat(t)
                .isInstanceOf(LmException.class)
                .hasMessageContaining(
                        "encoded with 'br', which the client did not ask for (it sends Accept-Encoding: gzip)");
        assertThat(server.requestCount()).isEqualTo(1);

        server.enqueue(raw(200, "not gzip at all".getBytes(StandardCharsets.UTF_8), "Content-Encoding", "gzip"));
        assertThat(catchThrowable(() -> client().build().complete(HELLO)))
                .hasMessageContaining("says it is gzip-encoded but does not decompress");
    }

    private static LoopbackServer.Reply raw(int status, byte[] body, String... headers) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            for (int i = 0; i + 1 < headers.length; i += 2)
                ex.getResponseHeaders().set(headers[i], headers[i + 1]);
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        };
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write(bytes);
        }
        return b.toByteArray();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
