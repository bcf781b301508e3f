package dev.dspy4j.media;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * An image input: bytes (in memory or a file) or a remote URL that is sent as given.
 *
 * @param payload the bytes, or null for a remote image
 * @param url     the remote URL, or null for an image with bytes
 * @param detail  an optional provider hint ({@code low}, {@code high}, {@code auto}), or null
 */
public record Image(Payload payload, URI url, String detail) implements Media {

    public Image {
        if ((payload == null) == (url == null)) {
            throw new IllegalArgumentException("an Image has either a payload or a URL, not both or neither");
        }
        if (payload != null && !payload.mediaType().isImage()) {
            throw new PayloadException(payload.describe() + " is " + payload.mediaType() + ", not an image");
        }
        if (url != null && !"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("image URL must be http or https: " + url);
        }
    }

    /** An image from a file, read on demand; its type is sniffed from the bytes. */
    public static Image of(Path file) {
        return new Image(Payload.of(file), null, null);
    }

    /** An image from a copy of {@code bytes}. */
    public static Image of(byte[] bytes) {
        return new Image(Payload.of(bytes), null, null);
    }

    /** An image over an existing payload (no copy). */
    public static Image of(Payload payload) {
        return new Image(Objects.requireNonNull(payload, "payload"), null, null);
    }

    /** An image from a {@code data:} URI, decoded once. */
    public static Image fromDataUri(String dataUri) {
        return new Image(Payload.ofDataUri(dataUri), null, null);
    }

    /**
     * An image from a string: a {@code data:} URI is decoded, an http(s) URL is kept as a remote
     * reference, anything else is taken as a file path.
     */
    public static Image from(String value) {
        Objects.requireNonNull(value, "value");
        if (value.startsWith("data:")) return fromDataUri(value);
        if (value.startsWith("http://") || value.startsWith("https://")) return fromUrl(value);
        return of(Path.of(value));
    }

    /** A remote image, sent to the provider as its URL; nothing is downloaded. */
    public static Image fromUrl(String url) {
        return new Image(null, URI.create(url), null);
    }

    /** This image with a provider detail hint. */
    public Image withDetail(String newDetail) {
        return new Image(payload, url, newDetail);
    }

    /** True for a remote image without bytes. */
    public boolean isRemote() {
        return url != null;
    }

    /**
     * Downloads a remote image into memory, with a timeout and a size limit; an image with bytes is
     * returned as it is.
     *
     * @throws PayloadException if the download fails, times out, exceeds {@code maxBytes}, or is not an image
     */
    public Image download(Duration timeout, long maxBytes) {
        if (!isRemote()) return this;
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw new PayloadException("image " + url + ": HTTP " + response.statusCode());
                }
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw new PayloadException("image " + url + " is larger than the limit of " + maxBytes + " bytes");
                }
                String declared = response.headers().firstValue("Content-Type").orElse(null);
                MediaType type = declared == null || !declared.startsWith("image/") ? null : MediaType.of(declared);
                return new Image(Payload.of(new UrlBytes(bytes, "image " + url), type, maxBytes), null, detail);
            }
        } catch (IOException e) {
            throw new PayloadException("image " + url + " could not be downloaded: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PayloadException("image " + url + ": download interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "Image[" + (isRemote() ? url : payload) + (detail == null ? "" : ", detail=" + detail) + "]";
    }

    private record UrlBytes(byte[] bytes, String describe) implements PayloadSource {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new java.io.ByteArrayInputStream(bytes);
        }
    }
}
