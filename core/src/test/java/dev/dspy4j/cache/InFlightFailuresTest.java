package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A failing cache never fails a call; a caller waiting for an identical call in flight handles interrupts. */
class InFlightFailuresTest {

    private static LmRequest ask(String question) {
        return LmRequest.of(Prompt.of(Message.user(question)));
    }

    /** A cache whose reads and writes always fail, as a broken disk would. */
    static final class BrokenCache implements ResponseCache {
        final AtomicInteger gets = new AtomicInteger();
        final AtomicInteger puts = new AtomicInteger();

        @Override
        public LmResponse get(CacheKey key) {
            gets.incrementAndGet();
            throw new CacheException("disk cache /broken: read failed: disk I/O error");
        }

        @Override
        public void put(CacheKey key, LmResponse response) {
            puts.incrementAndGet();
            throw new CacheException("disk cache /broken: write failed: disk full");
        }
    }

    @Test
    void aCacheThatFailsToReadOrWriteDoesNotFailTheCall() {
        BrokenCache cache = new BrokenCache();
        AtomicInteger calls = new AtomicInteger();
        ScriptedLm lm = ScriptedLm.builder()
                .cache(cache)
                .respond(r -> List.of("answer " + calls.incrementAndGet()))
                .build();

        LmResponse first = lm.complete(ask("q"));
        LmResponse second = lm.complete(ask("q"));

        assertThat(first.first().text()).isEqualTo("answer 1");
        assertThat(first.cacheHit()).isFalse();
        assertThat(second.first().text()).isEqualTo("answer 2");
        assertThat(cache.gets.get()).isGreaterThanOrEqualTo(2);
        assertThat(cache.puts.get()).isEqualTo(2);
        assertThat(lm.history().last(2)).hasSize(2);
    }

    @Test
    void aCacheThatFailsOnlyToWriteStillReturnsTheResponse() {
        MemoryCache memory = MemoryCache.create();
        ResponseCache writeFails = new ResponseCache() {
            @Override
            public LmResponse get(CacheKey key) {
                return memory.get(key);
            }

            @Override
            public void put(CacheKey key, LmResponse response) {
                throw new IllegalStateException("value too large for this cache");
            }
        };
        ScriptedLm lm = ScriptedLm.builder().cache(writeFails).answers("a", "b").build();
        assertThat(lm.complete(ask("q")).first().text()).isEqualTo("a");
        assertThat(lm.complete(ask("q")).first().text()).isEqualTo("b");
    }

    /**
     * The first caller's thread is interrupted during its call. A second caller waiting for the same
     * request was not interrupted, so it must not fail with the first one's interruption: it makes the
     * call itself.
     */
    @Test
    void aWaitingCallerIsNotFailedByTheInterruptionOfTheCallerItWaitsFor() throws Exception {
        CountDownLatch leaderInside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        ScriptedLm lm = ScriptedLm.builder()
                .cache(MemoryCache.create())
                .respond(r -> {
                    int n = calls.incrementAndGet();
                    if (n == 1) {
                        leaderInside.countDown();
                        awaitQuietly(release);
                        Thread.currentThread().interrupt();
                        throw new LmException("OpenAI at http://127.0.0.1/v1/chat/completions: interrupted");
                    }
                    return List.of("answer " + n);
                })
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<LmResponse> leader = pool.submit(() -> lm.complete(ask("same")));
            assertThat(leaderInside.await(30, TimeUnit.SECONDS)).isTrue();
            AtomicReference<Thread> waiterThread = new AtomicReference<>();
            Future<LmResponse> waiter = pool.submit(() -> {
                waiterThread.set(Thread.currentThread());
                return lm.complete(ask("same"));
            });
            awaitWaiting(waiterThread);
            release.countDown();

            assertThatThrownBy(leader::get).hasCauseInstanceOf(LmException.class);
            LmResponse r = waiter.get(30, TimeUnit.SECONDS);
            assertThat(r.first().text()).isEqualTo("answer 2");
            assertThat(calls.get()).isEqualTo(2);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** A caller waiting for an identical call in flight can be interrupted; it does not wait on. */
    @Test
    void aWaitingCallerCanBeInterrupted() throws Exception {
        CountDownLatch leaderInside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ScriptedLm lm = ScriptedLm.builder()
                .cache(MemoryCache.create())
                .respond(r -> {
                    leaderInside.countDown();
                    awaitQuietly(release);
                    return List.of("late answer");
                })
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<LmResponse> leader = pool.submit(() -> lm.complete(ask("same")));
            assertThat(leaderInside.await(30, TimeUnit.SECONDS)).isTrue();
            AtomicReference<Thread> waiterThread = new AtomicReference<>();
            AtomicReference<Boolean> interruptFlag = new AtomicReference<>();
            Future<LmResponse> waiter = pool.submit(() -> {
                waiterThread.set(Thread.currentThread());
                try {
                    return lm.complete(ask("same"));
                } finally {
                    interruptFlag.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitWaiting(waiterThread);
            waiterThread.get().interrupt();

            // the leader is still blocked: the waiter must end on its own interruption
            assertThatThrownBy(() -> waiter.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(LmException.class)
                    .hasMessageContaining("interrupted");
            assertThat(interruptFlag.get()).isTrue();
            release.countDown();
            assertThat(leader.get(30, TimeUnit.SECONDS).first().text()).isEqualTo("late answer");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the thread is parked (waiting for the call in flight). */
    private static void awaitWaiting(AtomicReference<Thread> ref) throws InterruptedException {
        for (int i = 0; i < 30_000; i++) {
            Thread t = ref.get();
            if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the second caller never started waiting");
    }
}
