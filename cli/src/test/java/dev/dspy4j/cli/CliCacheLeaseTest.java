package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.Usage;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The CLI's cache passes its store's lease on, except when --retry-failed replaces a cached answer. */
class CliCacheLeaseTest {
    private static final LmResponse ELSEWHERE =
            new LmResponse(List.of(Completion.of("from another run")), Usage.ZERO, "m", false);

    /** A store whose lease always says another process stored {@link #ELSEWHERE}. */
    static final class AnsweringStore implements ResponseCache {
        final AtomicInteger leases = new AtomicInteger();

        @Override
        public LmResponse get(CacheKey key) {
            return null;
        }

        @Override
        public void put(CacheKey key, LmResponse response) {}

        @Override
        public CacheLease lease(CacheKey key) {
            leases.incrementAndGet();
            return CacheLease.answered(ELSEWHERE);
        }
    }

    @Test
    void anAnsweredLeaseIsPassedOnAndCountsAsACachedRow() {
        AnsweringStore store = new AnsweringStore();
        CliCache cache = new CliCache(store, "store", new CacheFailureTally());
        cache.startRow(false);
        CacheKey key = CacheKey.ofBytes(new byte[32]);

        CacheLease lease = cache.lease(key);

        assertThat(lease.response()).isEqualTo(ELSEWHERE);
        assertThat(cache.rowHit()).isTrue();
        assertThat(cache.get(key)).as("kept in the memory layer").isEqualTo(ELSEWHERE);
    }

    @Test
    void inRefreshModeTheStoresLeaseIsNotAskedSoTheOldAnswerCannotComeBack() {
        AnsweringStore store = new AnsweringStore();
        CliCache cache = new CliCache(store, "store", new CacheFailureTally());
        cache.startRow(true);

        CacheLease lease = cache.lease(CacheKey.ofBytes(new byte[32]));

        assertThat(lease.granted()).isTrue();
        assertThat(store.leases).hasValue(0);
        assertThat(cache.rowHit()).isFalse();
    }
}
