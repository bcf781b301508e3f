package dev.dspy4j.lm.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A request body publisher over an input stream that reuses its buffers, where the JDK's
 * {@code BodyPublishers.ofInputStream} allocates a new 16 KB buffer for every chunk (so a 60 MB
 * body allocated 60 MB of buffers).
 *
 * <p>A buffer is reused only once the HTTP client has drained it ({@code !hasRemaining()}). That is
 * sound for HTTP/1.1, plain or TLS, and only there: the client writes (or encrypts, copying) each
 * buffer completely before it asks for the next. It is NOT sound for HTTP/2, where the JDK slices a
 * buffer into DATA frames and advances its position at once, while the frames may still wait for the
 * flow-control window; {@link HttpLanguageModel} therefore always speaks HTTP/1.1. Reads happen on the
 * thread that requests data, one chunk per requested item, as in the JDK's publisher.
 */
final class RecyclingBodyPublisher implements HttpRequest.BodyPublisher {
    static final int CHUNK = 64 * 1024;
    static final int POOL = 4;

    private final Supplier<InputStream> streams;
    private final long contentLength;

    RecyclingBodyPublisher(Supplier<InputStream> streams, long contentLength) {
        this.streams = Objects.requireNonNull(streams, "streams");
        this.contentLength = contentLength;
    }

    @Override
    public long contentLength() {
        return contentLength;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Subscription s = new Subscription(subscriber);
        subscriber.onSubscribe(s);
    }

    private final class Subscription implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicBoolean done = new AtomicBoolean();
        private final List<ByteBuffer> pool = new ArrayList<>(POOL);
        private InputStream in;

        Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (done.get()) return;
            if (n <= 0) {
                fail(new IllegalArgumentException("request(" + n + "): demand must be positive"));
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            drain();
        }

        @Override
        public void cancel() {
            if (done.compareAndSet(false, true)) closeQuietly();
        }

        /** Emits while there is demand; re-entrant calls (request from onNext) only add to the loop. */
        private void drain() {
            if (wip.getAndIncrement() != 0) return;
            do {
                while (demand.get() > 0 && !done.get()) {
                    ByteBuffer buf;
                    try {
                        if (in == null) in = Objects.requireNonNull(streams.get(), "body stream");
                        buf = next();
                        int n = in.readNBytes(buf.array(), buf.arrayOffset(), buf.capacity());
                        if (n == 0) {
                            if (done.compareAndSet(false, true)) {
                                closeQuietly();
                                subscriber.onComplete();
                            }
                            return;
                        }
                        buf.clear().limit(n);
                    } catch (IOException | RuntimeException e) {
                        fail(e);
                        return;
                    }
                    demand.decrementAndGet();
                    subscriber.onNext(buf);
                }
            } while (wip.decrementAndGet() != 0);
        }

        /** A drained buffer from the pool, or a new one while the pool is not full (else a new one, unpooled). */
        private ByteBuffer next() {
            for (ByteBuffer b : pool) {
                if (!b.hasRemaining()) return b;
            }
            ByteBuffer b = ByteBuffer.allocate(CHUNK);
            if (pool.size() < POOL) pool.add(b);
            return b;
        }

        private void fail(Throwable t) {
            if (done.compareAndSet(false, true)) {
                closeQuietly();
                subscriber.onError(t);
            }
        }

        private void closeQuietly() {
            InputStream s = in;
            if (s == null) return;
            try {
                s.close();
            } catch (IOException ignored) {
                // the stream is abandoned
            }
        }
    }
}
