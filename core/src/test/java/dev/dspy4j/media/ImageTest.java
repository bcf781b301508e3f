package dev.dspy4j.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.dspy4j.testing.NoiseImage;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private ExecutorService executor;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final byte[] png = NoiseImage.png(40, 40, 9);

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/cat.png", ex -> {
            requests.incrementAndGet();
            ex.getResponseHeaders().add("Content-Type", "image/png");
            ex.sendResponseHeaders(200, png.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(png);
            }
        });
        server.createContext("/untyped", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, png.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(png);
            }
        });
        server.createContext("/chunked.png", ex -> {
            ex.getResponseHeaders().add("Content-Type", "image/png");
            ex.sendResponseHeaders(200, 0); // chunked: no Content-Length
            try (OutputStream out = ex.getResponseBody()) {
                out.write(png);
            }
        });
        server.createContext("/lying.png", ex -> {
            ex.getResponseHeaders().add("Content-Type", "image/jpeg");
            ex.sendResponseHeaders(200, png.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(png);
            }
        });
        server.createContext("/missing.png", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.createContext("/stall-headers", ex -> {
            await();
            ex.sendResponseHeaders(200, png.length);
            ex.close();
        });
        server.createContext("/stall-body", ex -> {
            ex.getResponseHeaders().add("Content-Type", "image/png");
            ex.sendResponseHeaders(200, png.length);
            OutputStream out = ex.getResponseBody();
            out.write(png, 0, 100);
            out.flush();
            await();
            ex.close();
        });
        server.start();
    }

    private void await() {
        try {
            release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void fromPathBytesAndDataUri() throws Exception {
        Path file = Files.write(dir.resolve("a.png"), png);
        Image fromPath = Image.of(file);
        Image fromBytes = Image.of(png);
        Image fromUri =
                Image.fromDataUri("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        Image fromString = Image.from(file.toString());

        for (Image img : new Image[] {fromPath, fromBytes, fromUri, fromString}) {
            assertThat(img.isRemote()).isFalse();
            assertThat(img.payload().mediaType()).isEqualTo(MediaType.PNG);
            assertThat(img.payload()).isEqualTo(fromBytes.payload());
        }
        assertThat(fromPath.payload().describe()).isEqualTo("file " + file);
        assertThat(Image.from("data:image/png;base64," + Base64.getEncoder().encodeToString(png))
                        .payload())
                .isEqualTo(fromBytes.payload());
    }

    @Test
    void remoteUrlIsKeptAsAReferenceAndNotFetched() {
        Image remote = Image.fromUrl(url("/cat.png")).withDetail("low");
        assertThat(remote.isRemote()).isTrue();
        assertThat(remote.payload()).isNull();
        assertThat(remote.url().toString()).isEqualTo(url("/cat.png"));
        assertThat(remote.detail()).isEqualTo("low");
        assertThat(Image.from(url("/cat.png")).url()).isEqualTo(remote.url());
        assertThat(requests.get()).isZero();
        assertThat(remote.toString()).isEqualTo("Image[" + url("/cat.png") + ", detail=low]");
    }

    @Test
    void downloadFetchesTheBytesOnlyWhenAsked() {
        Image remote = Image.fromUrl(url("/cat.png")).withDetail("high");
        Image local = remote.download(Duration.ofSeconds(10), 1_000_000);

        assertThat(requests.get()).isEqualTo(1);
        assertThat(local.isRemote()).isFalse();
        assertThat(local.detail()).isEqualTo("high");
        assertThat(local.payload().readAllBytes()).isEqualTo(png);
        assertThat(local.payload().mediaType()).isEqualTo(MediaType.PNG);
        assertThat(local.payload().describe()).isEqualTo("image " + url("/cat.png"));
        assertThat(local.download(Duration.ofSeconds(1), 1)).isSameAs(local);
    }

    @Test
    void downloadSniffsWhenTheServerDoesNotSayImageAndAcceptsChunkedBodies() {
        assertThat(Image.fromUrl(url("/untyped"))
                        .download(Duration.ofSeconds(10), 1_000_000)
                        .payload()
                        .mediaType())
                .isEqualTo(MediaType.PNG);
        assertThat(Image.fromUrl(url("/chunked.png"))
                        .download(Duration.ofSeconds(10), png.length)
                        .payload()
                        .readAllBytes())
                .isEqualTo(png);
    }

    @Test
    void downloadOverTheLimitIsRefused() {
        assertThatThrownBy(() -> Image.fromUrl(url("/cat.png")).download(Duration.ofSeconds(10), 1000))
                .isInstanceOf(PayloadException.class)
                .hasMessage("image " + url("/cat.png") + " is larger than the limit of 1000 bytes (Content-Length "
                        + png.length + ")");
        assertThatThrownBy(() -> Image.fromUrl(url("/chunked.png")).download(Duration.ofSeconds(10), 1000))
                .isInstanceOf(PayloadException.class)
                .hasMessage("image " + url("/chunked.png") + " is larger than the limit of 1000 bytes");
    }

    @Test
    void downloadTimesOutWhenTheServerStallsBeforeOrDuringTheBody() {
        assertThatThrownBy(() -> Image.fromUrl(url("/stall-headers")).download(Duration.ofMillis(300), 1_000_000))
                .isInstanceOf(PayloadException.class)
                .hasMessage("image " + url("/stall-headers") + " was not downloaded within 300 ms");
        assertThatThrownBy(() -> Image.fromUrl(url("/stall-body")).download(Duration.ofMillis(300), 1_000_000))
                .isInstanceOf(PayloadException.class)
                .hasMessage("image " + url("/stall-body") + " was not downloaded within 300 ms");
    }

    @Test
    void downloadErrorsNameTheUrl() {
        assertThatThrownBy(() -> Image.fromUrl(url("/missing.png")).download(Duration.ofSeconds(10), 1000))
                .isInstanceOf(PayloadException.class)
                .hasMessage("image " + url("/missing.png") + " could not be downloaded: HTTP 404");
        assertThatThrownBy(() -> Image.fromUrl(url("/lying.png")).download(Duration.ofSeconds(10), 1_000_000))
                .isInstanceOf(PayloadException.class)
                .hasMessage("image " + url("/lying.png") + " was declared image/jpeg but its bytes are image/png");
        assertThatThrownBy(() -> Image.fromUrl(url("/cat.png")).download(Duration.ZERO, 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNonImagesAndBadUrls() {
        assertThatThrownBy(() -> Image.of(TestBytes.pdf()))
                .isInstanceOf(PayloadException.class)
                .hasMessage("in-memory bytes is application/pdf, not an image");
        assertThatThrownBy(() -> Image.fromUrl("ftp://example.com/a.png"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image URL must be http or https: ftp://example.com/a.png");
        assertThatThrownBy(() -> Image.fromUrl("http://exa mple.com/a.png"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("image URL is not a valid URI");
        assertThatThrownBy(() -> new Image(Payload.of(png), java.net.URI.create("http://x/a.png"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an Image has either a payload or a URL, not both or neither");
        Path missing = dir.resolve("nope.png");
        assertThatThrownBy(() -> Image.of(missing))
                .isInstanceOf(PayloadException.class)
                .hasMessage("file " + missing + " does not exist");
    }
}
