package dev.dspy4j.media;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An image input: bytes (in memory or a file) or a remote URL that is sent to the provider as given.
 * A remote image is never fetched implicitly; {@link #download(Duration, long)} fetches it on request.
 *
 * @param payload the bytes, or null for a remote image
 * @param url     the remote URL (http or https), or null for an image with bytes
 * @param detail  an optional provider hint ({@code low}, {@code high}, {@code auto}), or null
 */
public record Image(Payload payload, URI url, String detail) implements Media {

    /**
     * Checks that exactly one of payload and URL is given, the payload is an image, the URL is http(s)
     * with a host, and the detail hint is not blank.
     *
     * @param payload image bytes, or null with a URL
     * @param url an http(s) URL with a host, or null with a payload
     * @param detail a non-blank hint, or null
     * @throws IllegalArgumentException naming the rule that is broken
     * @throws PayloadException if the payload is not an image
     */
    public Image {
        if ((payload == null) == (url == null)) {
            throw new IllegalArgumentException("an Image has either a payload or a URL, not both or neither");
        }
        if (payload != null && !payload.mediaType().isImage()) {
            throw new PayloadException(payload.describe() + " is " + payload.mediaType() + ", not an image");
        }
        if (url != null && !"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException("image URL must be http or https: " + url);
        }
        if (url != null && (url.getHost() == null || url.getHost().isEmpty())) {
            throw new IllegalArgumentException("image URL has no host: " + url);
        }
        if (detail != null && detail.isBlank()) {
            throw new IllegalArgumentException(
                    "image detail must be null or a non-blank hint such as low, high or auto");
        }
    }

    /**
     * An image from a file, read on demand; its type is recognised from the first bytes.
     *
     * @param file an image file
     * @return the image
     * @throws PayloadException if the file cannot be read, is over 50 MB, or is not a recognised image
     */
    public static Image of(Path file) {
        return new Image(Payload.of(file), null, null);
    }

    /**
     * An image from a copy of {@code bytes}; its type is recognised from the bytes.
     *
     * @param bytes the encoded image (PNG, JPEG, ...), copied once
     * @return the image
     * @throws PayloadException if the bytes are over 50 MB or not a recognised image
     */
    public static Image of(byte[] bytes) {
        return new Image(Payload.of(bytes), null, null);
    }

    /**
     * An image over an existing payload (no copy).
     *
     * @param payload bytes of an {@code image/...} type
     * @return the image
     * @throws PayloadException if the payload is not an image
     */
    public static Image of(Payload payload) {
        return new Image(Objects.requireNonNull(payload, "payload"), null, null);
    }

    /**
     * An image from a {@code data:image/...;base64,...} URI, decoded once.
     *
     * @param dataUri the data URI
     * @return the image
     * @throws PayloadException if it is not a base64 data URI of an image the bytes agree with
     */
    public static Image fromDataUri(String dataUri) {
        return new Image(Payload.ofDataUri(dataUri), null, null);
    }

    /**
     * An image from a string: a {@code data:} URI is decoded, an http(s) URL is kept as a remote
     * reference, anything else is taken as a file path.
     *
     * @param value a data URI, an http(s) URL or a file path
     * @return the image
     * @throws PayloadException if the data URI or file is not a readable image
     * @throws IllegalArgumentException if the URL is not valid
     */
    public static Image from(String value) {
        Objects.requireNonNull(value, "value");
        if (value.regionMatches(true, 0, "data:", 0, 5)) return fromDataUri(value);
        if (value.regionMatches(true, 0, "http://", 0, 7) || value.regionMatches(true, 0, "https://", 0, 8)) {
            return fromUrl(value);
        }
        return of(Path.of(value));
    }

    /**
     * A remote image, sent to the provider as its URL; nothing is downloaded.
     *
     * @param url an http or https URL
     * @return the image
     * @throws IllegalArgumentException if the URL is not valid, not http(s) or has no host
     */
    public static Image fromUrl(String url) {
        Objects.requireNonNull(url, "url");
        try {
            return new Image(null, new URI(url), null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("image URL is not a valid URI: " + e.getMessage(), e);
        }
    }

    /**
     * A remote image, sent to the provider as its URL; nothing is downloaded.
     *
     * @param url an http or https URL
     * @return the image
     * @throws IllegalArgumentException if the URL is not http(s) or has no host
     */
    public static Image fromUrl(URI url) {
        return new Image(null, Objects.requireNonNull(url, "url"), null);
    }

    /**
     * Returns this image with a provider detail hint (OpenAI's {@code image_url.detail}).
     *
     * @param newDetail {@code low}, {@code high}, {@code auto}, or null for none
     * @return a copy sharing the payload or URL
     * @throws IllegalArgumentException if the hint is blank
     */
    public Image withDetail(String newDetail) {
        return new Image(payload, url, newDetail);
    }

    /** {@return true for a remote image without bytes} */
    public boolean isRemote() {
        return url != null;
    }

    /**
     * Downloads a remote image into memory; an image that already has bytes is returned as it is.
     * The whole exchange (connecting, headers and body) must finish within {@code timeout}, and the
     * body may not exceed {@code maxBytes} (a larger declared Content-Length is refused before the
     * body is read). The type comes from the bytes; a Content-Type of {@code image/...} must agree
     * with them. The result keeps this image's detail hint.
     *
     * @param timeout the longest the whole download may take; positive
     * @param maxBytes the largest accepted body, in bytes; at least 1
     * @return an image with the downloaded bytes, or this one if it has bytes already
     * @throws PayloadException if the download fails, returns a non-2xx status, times out, exceeds
     *                          {@code maxBytes}, or is not an image; the message names the URL
     * @throws IllegalArgumentException if {@code timeout} is not positive or {@code maxBytes} below 1
     */
    public Image download(Duration timeout, long maxBytes) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("download timeout must be positive, not " + timeout);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("download maxBytes must be at least 1, not " + maxBytes);
        }
        if (!isRemote()) return this;
        String what = "image " + url;
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        LimitedBody body = new LimitedBody(maxBytes);
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, info -> {
            if (info.statusCode() / 100 != 2) {
                return HttpResponse.BodySubscribers.replacing(null);
            }
            body.declaredLength =
                    info.headers().firstValueAsLong("Content-Length").orElse(-1);
            return body;
        });
        HttpResponse<byte[]> response;
        try {
            response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            body.cancel();
            future.cancel(true);
            throw new PayloadException(what + " was not downloaded within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            body.cancel();
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PayloadException(what + ": download interrupted", e);
        } catch (ExecutionException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof TooLargeException) {
                    throw new PayloadException(
                            what + " is larger than the limit of " + maxBytes + " bytes" + t.getMessage(),
                            e.getCause());
                }
                if (t instanceof HttpTimeoutException) {
                    throw new PayloadException(
                            what + " was not downloaded within " + timeout.toMillis() + " ms", e.getCause());
                }
            }
            throw new PayloadException(what + " could not be downloaded: " + e.getCause(), e.getCause());
        }
        if (response.statusCode() / 100 != 2) {
            throw new PayloadException(what + " could not be downloaded: HTTP " + response.statusCode());
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        MediaType declared = null;
        if (contentType.regionMatches(true, 0, "image/", 0, 6)) {
            try {
                declared = MediaType.of(contentType);
            } catch (IllegalArgumentException ignored) {
                // an unparseable Content-Type: rely on the bytes
            }
        }
        byte[] bytes = response.body();
        Payload downloaded = Payload.maxBytes(maxBytes).of(new DownloadedBytes(bytes, what), declared);
        return new Image(downloaded, null, detail);
    }

    @Override
    public String toString() {
        return "Image[" + (isRemote() ? url : payload) + (detail == null ? "" : ", detail=" + detail) + "]";
    }

    /** Downloaded bytes; the array is owned by the payload. */
    @SuppressWarnings(
            "ArrayRecordComponent") // holds the payload's bytes without copying them (one copy per payload); never
    // compared
    private record DownloadedBytes(byte[] bytes, String describe) implements PayloadSource {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public java.io.InputStream open() {
            return new java.io.ByteArrayInputStream(bytes);
        }
    }

    private static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String detail) {
            super(detail);
        }
    }

    /** Collects a response body, failing as soon as it exceeds the limit. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long maxBytes;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        volatile long declaredLength = -1;
        private volatile Flow.Subscription subscription;
        private byte[] buf = new byte[0];
        private int length;

        LimitedBody(long maxBytes) {
            this.maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 8);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (declaredLength > maxBytes) {
                s.cancel();
                result.completeExceptionally(new TooLargeException(" (Content-Length " + declaredLength + ")"));
                return;
            }
            if (declaredLength > 0) buf = new byte[(int) declaredLength];
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) return;
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if ((long) length + n > maxBytes) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLargeException(""));
                    return;
                }
                if (length + n > buf.length) {
                    buf = Arrays.copyOf(buf, (int) Math.min(maxBytes, Math.max(length + n, 2L * buf.length + 8192)));
                }
                b.get(buf, length, n);
                length += n;
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(length == buf.length ? buf : Arrays.copyOf(buf, length));
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) s.cancel();
            result.completeExceptionally(new IOException("cancelled"));
        }
    }
}
