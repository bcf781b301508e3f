package dev.dspy4j.lm.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RecyclingBodyPublisherTest {

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Requests one item at a time, like the HTTP/1.1 client; drains (or keeps) each buffer. */
    private static final class Collector implements Flow.Subscriber<ByteBuffer> {
        final boolean drain;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final Set<ByteBuffer> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        final List<ByteBuffer> kept = new ArrayList<>();
        final List<byte[]> snapshots = new ArrayList<>();
        boolean complete;
        Throwable error;
        Flow.Subscription subscription;

        Collector(boolean drain) {
            this.drain = drain;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(ByteBuffer item) {
            seen.add(item);
            byte[] copy = new byte[item.remaining()];
            item.duplicate().get(copy);
            bytes.writeBytes(copy);
            if (drain) {
                item.position(item.limit()); // what writing it to the socket does
            } else {
                kept.add(item);
                snapshots.add(copy);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
        }

        @Override
        public void onComplete() {
            complete = true;
        }
    }

    @Test
    void reusesBuffersTheClientDrainedAndDeliversEveryByte() {
        byte[] body = data(RecyclingBodyPublisher.CHUNK * 10 + 123);
        RecyclingBodyPublisher p = new RecyclingBodyPublisher(() -> new ByteArrayInputStream(body), body.length);
        Collector c = new Collector(true);

        p.subscribe(c);

        assertThat(c.complete).isTrue();
        assertThat(c.error).isNull();
        assertThat(c.bytes.toByteArray()).isEqualTo(body);
        assertThat(c.seen).hasSizeLessThanOrEqualTo(RecyclingBodyPublisher.POOL);
        assertThat(p.contentLength()).isEqualTo(body.length);
    }

    @Test
    void neverOverwritesABufferTheClientStillHolds() {
        byte[] body = data(RecyclingBodyPublisher.CHUNK * 9 + 7);
        RecyclingBodyPublisher p = new RecyclingBodyPublisher(() -> new ByteArrayInputStream(body), -1);
        Collector c = new Collector(false);

        p.subscribe(c);

        assertThat(c.complete).isTrue();
        assertThat(c.bytes.toByteArray()).isEqualTo(body);
        assertThat(c.seen).hasSize(10);
        for (int i = 0; i < c.kept.size(); i++) {
            ByteBuffer b = c.kept.get(i);
            byte[] now = new byte[b.remaining()];
            b.duplicate().get(now);
            assertThat(now).as("buffer " + i).isEqualTo(c.snapshots.get(i));
        }
    }

    @Test
    void readFailureIsReportedAndCancelClosesTheStream() {
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk gone");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk gone");
            }
        };
        Collector c = new Collector(true);
        new RecyclingBodyPublisher(() -> failing, -1).subscribe(c);
        assertThat(c.error).isInstanceOf(IOException.class).hasMessage("disk gone");
        assertThat(c.complete).isFalse();

        AtomicBoolean closed = new AtomicBoolean();
        AtomicReference<Flow.Subscription> sub = new AtomicReference<>();
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 1;
            }

            @Override
            public void close() {
                closed.set(true);
            }
        };
        new RecyclingBodyPublisher(() -> endless, -1).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                sub.set(s);
                s.request(1);
            }

            @Override
            public void onNext(ByteBuffer item) {
                sub.get().cancel();
            }

            @Override
            public void onError(Throwable t) {
                throw new AssertionError(t);
            }

            @Override
            public void onComplete() {
                throw new AssertionError("completed after cancel");
            }
        });
        assertThat(closed).isTrue();
    }
}
