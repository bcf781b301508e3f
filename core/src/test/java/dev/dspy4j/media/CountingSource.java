package dev.dspy4j.media;

import dev.dspy4j.testing.NoiseImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A test {@link PayloadSource} over bytes that counts every byte read from it and every stream
 * opened on it. Shared by tests that check a payload is read at most once (digest) and never while
 * formatting, keying, serving cache hits or recording history.
 */
public final class CountingSource implements PayloadSource {
    private final byte[] bytes;
    private final String name;
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicInteger opens = new AtomicInteger();

    public CountingSource(byte[] bytes, String name) {
        this.bytes = bytes;
        this.name = name;
    }

    /** A counting source over a noise PNG of the given side. */
    public static CountingSource png(int side, long seed) {
        return new CountingSource(NoiseImage.png(side, side, seed), "counting png " + seed);
    }

    /** The total number of bytes read from all streams opened so far. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** The number of streams opened so far. */
    public int opens() {
        return opens.get();
    }

    /** The number of bytes the source holds. */
    public int length() {
        return bytes.length;
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public InputStream open() {
        opens.incrementAndGet();
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        // Only the two primitive reads are overridden: InputStream's readNBytes, readAllBytes and
        // transferTo are built on them, so every byte handed out is counted exactly once.
        return new InputStream() {
            @Override
            public int read() {
                int b = in.read();
                if (b >= 0) bytesRead.incrementAndGet();
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = in.read(b, off, len);
                if (n > 0) bytesRead.addAndGet(n);
                return n;
            }

            @Override
            public int available() {
                return in.available();
            }
        };
    }

    @Override
    public String describe() {
        return name;
    }
}
