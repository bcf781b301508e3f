package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The LM takes the cache's lease after a miss, sends only when granted, and gives it back after the put. */
class CacheLeaseTest {

    private static LmRequest ask(String question) {
        return LmRequest.of(Prompt.of(Message.user(question)));
    }

    /** A memory cache that logs get, lease, put and release in order, leasing as {@code leases} says. */
    static final class LoggingCache implements ResponseCache {
        final MemoryCache memory = MemoryCache.create();
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final Function<CacheKey, CacheLease> leases;

        LoggingCache(Function<CacheKey, CacheLease> leases) {
            this.leases = leases;
        }

        @Override
        public LmResponse get(CacheKey key) {
            LmResponse r = memory.get(key);
            log.add(r == null ? "get:miss" : "get:hit");
            return r;
        }

        @Override
        public void put(CacheKey key, LmResponse response) {
            log.add("put");
            memory.put(key, response);
        }

        @Override
        public CacheLease lease(CacheKey key) {
            log.add("lease");
            return leases.apply(key);
        }
    }

    @Test
    void aGrantedLeaseIsGivenBackAfterTheResponseIsStored() {
        LoggingCache[] self = new LoggingCache[1];
        LoggingCache cache = new LoggingCache(k -> CacheLease.granted(() -> self[0].log.add("release")));
        self[0] = cache;
        ScriptedLm lm = ScriptedLm.builder().cache(cache).answers("a").build();

        assertThat(lm.complete(ask("q")).first().text()).isEqualTo("a");

        assertThat(cache.log).containsExactly("get:miss", "get:miss", "lease", "put", "release");
        assertThat(lm.complete(ask("q")).cacheHit()).isTrue();
        assertThat(cache.log).containsExactly("get:miss", "get:miss", "lease", "put", "release", "get:hit");
    }

    @Test
    void anAnsweredLeaseIsReturnedAsAHitWithoutSending() {
        LmResponse elsewhere = CacheFixtures.response("from another process");
        LoggingCache cache = new LoggingCache(k -> CacheLease.answered(elsewhere));
        AtomicInteger sent = new AtomicInteger();
        ScriptedLm lm = ScriptedLm.builder()
                .cache(cache)
                .respond(r -> List.of("sent " + sent.incrementAndGet()))
                .build();

        LmResponse r = lm.complete(ask("q"));

        assertThat(r.first().text()).isEqualTo("from another process");
        assertThat(r.cacheHit()).isTrue();
        assertThat(r.usage().promptTokens()).isZero();
        assertThat(sent).hasValue(0);
        assertThat(cache.log).containsExactly("get:miss", "get:miss", "lease");
    }

    @Test
    void aFailedCallGivesTheLeaseBackAndStoresNothing() {
        AtomicInteger released = new AtomicInteger();
        LoggingCache cache = new LoggingCache(k -> CacheLease.granted(released::incrementAndGet));
        ScriptedLm lm = ScriptedLm.builder()
                .cache(cache)
                .respond(r -> {
                    throw new LmException("provider down", 503, null, null);
                })
                .build();

        assertThatThrownBy(() -> lm.complete(ask("q")))
                .isInstanceOf(LmException.class)
                .hasMessageContaining("provider down");

        assertThat(released).hasValue(1);
        assertThat(cache.log).containsExactly("get:miss", "get:miss", "lease");
    }

    @Test
    void aLeaseThatThrowsIsToldToTheListenerAndTheCallGoesOn() {
        LoggingCache cache = new LoggingCache(k -> {
            throw new IllegalStateException("lease store unreachable");
        });
        CacheFailureCounter failures = new CacheFailureCounter();
        ScriptedLm lm = ScriptedLm.builder()
                .cache(cache)
                .cacheListener(failures)
                .answers("a")
                .build();

        assertThat(lm.complete(ask("q")).first().text()).isEqualTo("a");

        assertThat(failures.count(CacheFailure.Operation.LEASE)).isEqualTo(1);
        assertThat(failures.first().message()).contains("lease store unreachable");
        assertThat(cache.log).containsExactly("get:miss", "get:miss", "lease", "put");
    }

    @Test
    void aCacheWithoutItsOwnLeaseGrantsAtOnceAndClosingTwiceReleasesOnce() {
        assertThat(MemoryCache.create().lease(CacheFixtures.key("k")).granted()).isTrue();
        AtomicInteger released = new AtomicInteger();
        CacheLease lease = CacheLease.granted(released::incrementAndGet);
        lease.close();
        lease.close();
        assertThat(released).hasValue(1);
        assertThat(CacheLease.answered(CacheFixtures.response("x")).granted()).isFalse();
    }
}
