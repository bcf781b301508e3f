package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadSource;
import dev.dspy4j.prompt.Prompt;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once a payload's digest is taken, a cache hit (memory or disk), the LM history entry and
 * {@code inspectHistory} read none of its bytes.
 */
class CacheHitReadsNoPayloadTest {

    @TempDir
    Path dir;

    private CountingSource bigSource;
    private CountingSource smallSource;
    private LmRequest request;

    /** A source that counts every byte read and every stream opened. */
    static final class CountingSource implements PayloadSource {
        final byte[] bytes;
        final AtomicLong opens = new AtomicLong();
        final AtomicLong bytesRead = new AtomicLong();

        CountingSource(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            opens.incrementAndGet();
            return new FilterInputStream(new ByteArrayInputStream(bytes)) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) bytesRead.incrementAndGet();
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    if (n > 0) bytesRead.addAndGet(n);
                    return n;
                }
            };
        }

        @Override
        public String describe() {
            return "counting source";
        }

        void reset() {
            opens.set(0);
            bytesRead.set(0);
        }
    }

    private static byte[] png(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        System.arraycopy(magic, 0, b, 0, magic.length);
        return b;
    }

    @BeforeEach
    void buildRequest() {
        bigSource = new CountingSource(png(4 << 20, 1));
        smallSource = new CountingSource(png(10_000, 2));
        Payload big = Payload.of(bigSource, MediaType.PNG, Payload.DEFAULT_MAX_BYTES);
        Payload small = Payload.of(smallSource, MediaType.PNG, Payload.DEFAULT_MAX_BYTES);
        Prompt prompt = Prompt.builder()
                .system("Label each image.")
                .user().text("First: ").media(Image.of(big)).text("\nSecond: ").media(Image.of(small)).end()
                .build();
        request = LmRequest.of(prompt);
        big.digest();
        small.digest();
        assertThat(bigSource.bytesRead.get()).isGreaterThanOrEqualTo(4 << 20); // the digest read it once
        bigSource.reset();
        smallSource.reset();
    }

    private void assertNothingRead(String when) {
        assertThat(bigSource.opens.get()).as("streams opened on the 4 MB payload %s", when).isZero();
        assertThat(bigSource.bytesRead.get()).as("bytes read from the 4 MB payload %s", when).isZero();
        assertThat(smallSource.opens.get()).as("streams opened on the small payload %s", when).isZero();
        assertThat(smallSource.bytesRead.get()).as("bytes read from the small payload %s", when).isZero();
    }

    @Test
    void memoryAndDiskHitsAndHistoryReadNoPayloadBytes() {
        try (TieredCache first = TieredCache.open(dir)) {
            ScriptedLm lm = ScriptedLm.builder().cache(first).answers("cat, dog").build();
            lm.complete(request); // the miss: keyed by digest, the scripted LM sends nothing anywhere
            assertNothingRead("for the key of a miss");

            LmResponse memoryHit = lm.complete(request);
            assertThat(memoryHit.cacheHit()).isTrue();
            assertNothingRead("for a memory hit");

            String shown = lm.inspectHistory(2);
            assertThat(lm.history().last(2)).extracting(e -> e.request()).containsOnly(request);
            assertThat(shown).contains("<Image image/png 4194304 bytes sha256:").contains("(cache hit)")
                    .contains("cat, dog");
            assertNothingRead("for history entries and inspectHistory");
        }
        try (TieredCache second = TieredCache.open(dir)) { // a new process: empty memory, same disk
            ScriptedLm lm = ScriptedLm.builder().cache(second).respond(r -> List.of("never sent")).build();
            LmResponse diskHit = lm.complete(request);
            assertThat(diskHit.cacheHit()).isTrue();
            assertThat(diskHit.first().text()).isEqualTo("cat, dog");
            assertThat(lm.requests()).isEmpty();
            assertThat(lm.inspectHistory(1)).contains("<Image image/png 10000 bytes sha256:");
            assertNothingRead("for a disk hit and its history");
        }
        try (DiskCache disk = DiskCache.open(dir)) {
            assertThat(disk.get(CacheKey.of("scripted", request))).isNotNull();
            assertNothingRead("for a key and a direct disk lookup");
        }
    }
}
