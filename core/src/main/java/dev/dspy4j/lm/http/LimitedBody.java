package dev.dspy4j.lm.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.GZIPInputStream;

/**
 * Reads a response body into memory with a size limit, decoding {@code gzip} (the only encoding the
 * client asks for with {@code Accept-Encoding}). Past the limit (announced by {@code Content-Length},
 * reached while receiving, or reached while decompressing) the transfer is cancelled, which closes the
 * connection, and the body fails with {@link TooLarge}. A body in an encoding the client did not ask
 * for, or that does not decompress, fails with {@link BadEncoding}. Hand-written because {@code java.net.http} offers neither
 * a bounded body handler nor content decoding.
 */
final class LimitedBody implements HttpResponse.BodyHandler<byte[]> {
    /** The encoding the client accepts, as sent in {@code Accept-Encoding}. */
    static final String ACCEPT_ENCODING = "gzip";

    private final long limit;

    LimitedBody(long limit) {
        this.limit = limit;
    }

    /** The body was larger than the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /** The body came in a content encoding the client did not ask for, or does not decode. */
    static final class BadEncoding extends IOException {
        private static final long serialVersionUID = 1L;

        BadEncoding(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public HttpResponse.BodySubscriber<byte[]> apply(HttpResponse.ResponseInfo info) {
        return new Subscriber(limit, info.headers());
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<byte[]> {
        private final long limit;
        private final long announced;
        private final String encoding;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final List<ByteBuffer> received = new ArrayList<>();
        private long size;
        private Flow.Subscription subscription;

        Subscriber(long limit, HttpHeaders headers) {
            this.limit = limit;
            this.announced = headers.firstValueAsLong("Content-Length").orElse(-1);
            this.encoding = headers.firstValue("Content-Encoding")
                    .map(s -> s.strip().toLowerCase(Locale.ROOT))
                    .orElse("");
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            if (!encoding.isEmpty()
                    && !encoding.equals("identity")
                    && !encoding.equals("gzip")
                    && !encoding.equals("x-gzip")) {
                fail(new BadEncoding(
                        "the body is encoded with '" + encoding + "', which the client did not ask "
                                + "for (it sends Accept-Encoding: " + ACCEPT_ENCODING + ")",
                        null));
                return;
            }
            if (announced > limit) {
                fail(new TooLarge("the response announces " + announced + " bytes (Content-Length), over the limit of "
                        + limit + " bytes"));
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) return;
            for (ByteBuffer b : items) {
                size += b.remaining();
                received.add(b);
            }
            if (size > limit) {
                fail(new TooLarge("the response went past the limit of " + limit + " bytes"
                        + (announced >= 0 ? "" : " (it announced no length)") + " and was cut off"));
            }
        }

        @Override
        public void onError(Throwable t) {
            received.clear();
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) return;
            byte[] bytes = new byte[(int) size];
            int at = 0;
            for (ByteBuffer b : received) {
                int n = b.remaining();
                b.get(bytes, at, n);
                at += n;
            }
            received.clear();
            if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
                try {
                    bytes = gunzip(bytes, limit);
                } catch (IOException e) {
                    result.completeExceptionally(e);
                    return;
                }
            }
            result.complete(bytes);
        }

        private void fail(IOException e) {
            received.clear();
            subscription.cancel(); // stops the transfer and closes the connection
            result.completeExceptionally(e);
        }
    }

    /** Decompresses a gzip body, refusing to produce more than {@code limit} bytes. */
    static byte[] gunzip(byte[] compressed, long limit) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            byte[] out = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit));
            if (in.read() >= 0) {
                throw new TooLarge("the gzip-encoded response (" + compressed.length
                        + " bytes) decompresses to more than " + "the limit of " + limit + " bytes");
            }
            return out;
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new BadEncoding("the body says it is gzip-encoded but does not decompress: " + e.getMessage(), e);
        }
    }
}
