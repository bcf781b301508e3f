package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.LmResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TieredCacheTest {

    @TempDir
    Path dir;

    @Test
    void putWritesBothLayers() {
        try (TieredCache t = TieredCache.open(dir)) {
            t.put(CacheFixtures.key("a"), CacheFixtures.rich());
            assertThat(t.memory().get(CacheFixtures.key("a"))).isEqualTo(CacheFixtures.rich());
            assertThat(t.disk().get(CacheFixtures.key("a"))).isEqualTo(CacheFixtures.rich());
        }
    }

    @Test
    void aDiskHitIsPromotedToMemory() {
        try (DiskCache d = DiskCache.open(dir)) {
            d.put(CacheFixtures.key("a"), CacheFixtures.rich());
        }
        try (TieredCache t = TieredCache.builder()
                .directory(dir)
                .memoryBytes(1 << 20)
                .diskBytes(1 << 24)
                .build()) {
            assertThat(t.memory().stats().entries()).isZero();
            LmResponse first = t.get(CacheFixtures.key("a"));
            assertThat(first).isEqualTo(CacheFixtures.rich());
            assertThat(t.memory().stats().entries()).isEqualTo(1);
            assertThat(t.get(CacheFixtures.key("a"))).isSameAs(t.memory().get(CacheFixtures.key("a")));
            assertThat(t.disk().maxBytes()).isEqualTo(1 << 24);
            assertThat(t.memory().stats().maxBytes()).isEqualTo(1 << 20);
        }
    }

    @Test
    void twoCachesOnOneDirectorySeeEachOthersEntriesThroughTheDisk() {
        try (TieredCache a = TieredCache.open(dir);
                TieredCache b = TieredCache.open(dir)) {
            a.put(CacheFixtures.key("from-a"), CacheFixtures.response("A"));
            b.put(CacheFixtures.key("from-b"), CacheFixtures.response("B"));
            assertThat(b.get(CacheFixtures.key("from-a"))).isEqualTo(CacheFixtures.response("A"));
            assertThat(a.get(CacheFixtures.key("from-b"))).isEqualTo(CacheFixtures.response("B"));
        }
    }

    @Test
    void aFailingDiskLayerDegradesToAMissAndTheMemoryLayerKeepsWorking() {
        TieredCache t = TieredCache.open(dir);
        t.disk().close(); // every disk operation now fails
        assertThat(t.get(CacheFixtures.key("a"))).isNull();
        t.put(CacheFixtures.key("a"), CacheFixtures.response("A"));
        assertThat(t.get(CacheFixtures.key("a"))).isEqualTo(CacheFixtures.response("A"));
        t.close();
    }

    @Test
    void clearAndRemoveReachBothLayers() {
        try (TieredCache t = TieredCache.open(dir)) {
            t.put(CacheFixtures.key("a"), CacheFixtures.response("A"));
            t.put(CacheFixtures.key("b"), CacheFixtures.response("B"));
            assertThat(t.remove(CacheFixtures.key("a"))).isTrue();
            assertThat(t.get(CacheFixtures.key("a"))).isNull();
            assertThat(t.clear()).isEqualTo(1);
            assertThat(t.memory().get(CacheFixtures.key("b"))).isNull();
            assertThat(t.disk().get(CacheFixtures.key("b"))).isNull();
        }
    }

    /** An entry hit only in memory still counts as recently used on disk. */
    @Test
    void memoryHitsKeepAnEntryFromBeingEvictedOnDisk() {
        LmResponse r = CacheFixtures.response(CacheFixtures.text(3, 2000));
        long each = ResponseCodec.encode(r).length + 32L;
        MutableClock clock = new MutableClock();
        DiskCache disk = DiskCache.builder()
                .directory(dir)
                .clock(clock)
                .maxBytes(each * 11 / 2)
                .accessResolution(java.time.Duration.ofSeconds(60))
                .build();
        try (TieredCache t = TieredCache.of(MemoryCache.create(), disk)) {
            for (int i = 0; i < 5; i++) {
                clock.set(i);
                t.put(CacheFixtures.key("k" + i), r);
            }
            clock.set(100_000);
            assertThat(t.get(CacheFixtures.key("k0"))).isSameAs(t.memory().get(CacheFixtures.key("k0")));
            assertThat(t.get(CacheFixtures.key("k0")))
                    .isNotNull(); // a second hit within the resolution queues nothing more
            clock.set(100_001);
            t.put(CacheFixtures.key("k5"), r); // writes the queued access of k0, then evicts k1 and k2
            assertThat(disk.get(CacheFixtures.key("k0"))).isEqualTo(r);
            assertThat(disk.get(CacheFixtures.key("k1"))).isNull();
            assertThat(disk.get(CacheFixtures.key("k2"))).isNull();
            assertThat(disk.get(CacheFixtures.key("k3"))).isEqualTo(r);
        }
    }
}
