package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.LmResponse;
import org.junit.jupiter.api.Test;

class MemoryCacheTest {

    @Test
    void storesAndReturnsTheSameResponse() {
        MemoryCache m = MemoryCache.create();
        LmResponse r = CacheFixtures.rich();
        assertThat(m.get(CacheFixtures.key("a"))).isNull();
        m.put(CacheFixtures.key("a"), r);
        assertThat(m.get(CacheFixtures.key("a"))).isSameAs(r);
        assertThat(m.get(CacheFixtures.key("b"))).isNull();
        assertThat(m.stats().entries()).isEqualTo(1);
        assertThat(m.stats().bytes()).isEqualTo(MemoryCache.estimateBytes(r));
    }

    @Test
    void totalSizeStaysWithinTheLimit() {
        LmResponse r = CacheFixtures.response(CacheFixtures.text(1, 10_000)); // about 20 KB each
        long each = MemoryCache.estimateBytes(r);
        assertThat(each).isBetween(20_000L, 21_000L);
        MemoryCache m = MemoryCache.builder().maxBytes(10 * each).build();
        for (int i = 0; i < 100; i++) {
            m.put(CacheFixtures.key("k" + i), r);
        }
        CacheStats s = m.stats();
        assertThat(s.bytes()).isLessThanOrEqualTo(10 * each);
        assertThat(s.entries()).isBetween(1L, 10L);
        assertThat(s.maxBytes()).isEqualTo(10 * each);
        int present = 0;
        for (int i = 0; i < 100; i++) {
            if (m.get(CacheFixtures.key("k" + i)) != null) present++;
        }
        assertThat((long) present).isEqualTo(s.entries());
    }

    @Test
    void sizeEstimateGrowsWithText() {
        assertThat(MemoryCache.estimateBytes(CacheFixtures.response(CacheFixtures.text(1, 1000))))
                .isGreaterThan(MemoryCache.estimateBytes(CacheFixtures.response("short")) + 1900);
    }

    @Test
    void removeAndClear() {
        MemoryCache m = MemoryCache.create();
        m.put(CacheFixtures.key("a"), CacheFixtures.response("a"));
        m.put(CacheFixtures.key("b"), CacheFixtures.response("b"));
        assertThat(m.remove(CacheFixtures.key("a"))).isTrue();
        assertThat(m.remove(CacheFixtures.key("a"))).isFalse();
        assertThat(m.clear()).isEqualTo(1);
        assertThat(m.get(CacheFixtures.key("b"))).isNull();
        assertThat(m.stats().entries()).isZero();
        assertThat(m.stats().bytes()).isZero();
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> MemoryCache.builder().maxBytes(0)).hasMessageContaining("maxBytes");
    }
}
