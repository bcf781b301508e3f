package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.media.CountingSource;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Prompt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extends the media issue's counting test ({@code PayloadReadCountTest}) to the cache and the LM
 * history: once the digests are taken, a miss's key, a memory hit, a disk hit, the history entries
 * and {@code inspectHistory} read no payload byte and open no payload stream.
 */
class CacheHitReadsNoPayloadTest {

    @TempDir
    Path dir;

    private final List<CountingSource> sources = new ArrayList<>();
    private LmRequest request;

    /** 4 MB of noise behind a PNG signature. */
    private static byte[] bigPng() {
        byte[] b = new byte[4 << 20];
        new Random(1).nextBytes(b);
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        System.arraycopy(magic, 0, b, 0, magic.length);
        return b;
    }

    /** The seed shape: 15 demos with an image each, then the input image (4 MB). */
    @BeforeEach
    void buildRequest() {
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            CountingSource s = CountingSource.png(64 + i, i);
            sources.add(s);
            images.add(Image.of(Payload.of(s, null)));
        }
        CountingSource big = new CountingSource(bigPng(), "4 MB png");
        sources.add(big);
        images.add(Image.of(Payload.of(big, MediaType.PNG)));

        Prompt.Builder b = Prompt.builder().system("Label the image.");
        for (int i = 0; i < 15; i++) {
            b.user().text("[[ ## image ## ]]\n").media(images.get(i)).end();
            b.assistant("[[ ## label ## ]]\nlabel " + i + "\n\n[[ ## completed ## ]]");
        }
        b.user().text("[[ ## image ## ]]\n").media(images.get(15)).end();
        request = LmRequest.of(b.build());
        for (Image img : images) img.payload().digest();
        for (CountingSource s : sources) {
            assertThat(s.bytesRead()).as("the digest read %s", s.describe()).isGreaterThanOrEqualTo(s.length());
        }
    }

    private long read() {
        return sources.stream().mapToLong(CountingSource::bytesRead).sum();
    }

    private int opens() {
        return sources.stream().mapToInt(CountingSource::opens).sum();
    }

    @Test
    void memoryAndDiskHitsAndHistoryReadNoPayloadBytes() {
        long readBefore = read();
        int opensBefore = opens();
        try (TieredCache first = TieredCache.open(dir)) {
            ScriptedLm lm = ScriptedLm.builder()
                    .cache(first)
                    .answers("[[ ## label ## ]]\ncat")
                    .build();
            assertThat(lm.complete(request).cacheHit()).isFalse(); // the scripted LM sends nothing anywhere

            LmResponse memoryHit = lm.complete(request);
            assertThat(memoryHit.cacheHit()).isTrue();

            String shown = lm.inspectHistory(2);
            assertThat(lm.history().last(2)).extracting(e -> e.request()).containsOnly(request);
            assertThat(shown)
                    .contains("4194304 bytes sha256:")
                    .contains("(cache hit)")
                    .contains("cat");
        }
        try (TieredCache second = TieredCache.open(dir)) { // as a new process: empty memory, same disk
            ScriptedLm lm = ScriptedLm.builder()
                    .cache(second)
                    .respond(r -> List.of("never sent"))
                    .build();
            LmResponse diskHit = lm.complete(request);
            assertThat(diskHit.cacheHit()).isTrue();
            assertThat(diskHit.first().text()).isEqualTo("[[ ## label ## ]]\ncat");
            assertThat(lm.requests()).isEmpty();
            assertThat(lm.inspectHistory(1)).contains("4194304 bytes sha256:");
        }
        try (DiskCache disk = DiskCache.open(dir)) {
            assertThat(disk.get(CacheKey.of("scripted", request))).isNotNull();
        }
        assertThat(read()).as("payload bytes read after the digests").isEqualTo(readBefore);
        assertThat(opens()).as("payload streams opened after the digests").isEqualTo(opensBefore);
    }
}
