package dev.dspy4j.redis;

import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheLease;
import dev.dspy4j.lm.LmResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The leases of one {@link RedisCache}: {@code SET <lease key> <owner> NX PX <lease time>} taken by the
 * caller that sends, renewed every third of the lease time while held, and deleted when given back,
 * both only if still owned (a compare-and-set in a short Lua script: standard {@code EVAL}). A caller
 * that finds the lease taken polls for the value with backoff and takes the lease itself once it is gone.
 */
final class RedisLeases implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisCache.class);

    private static final byte[] RELEASE =
            script("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end");
    private static final byte[] RENEW = script(
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end");
    private static final long FIRST_POLL_MS = 5;
    private static final long MAX_POLL_MS = 100;

    private final RedisClient client;
    private final RedisHealth health;
    private final long leaseMillis;
    private final long waitNanos;
    private final String ownerPrefix = UUID.randomUUID() + ":";
    private final AtomicLong counter = new AtomicLong();
    private final AtomicBoolean waitWarned = new AtomicBoolean();
    private final ScheduledExecutorService renewer;

    RedisLeases(RedisClient client, RedisHealth health, Duration leaseTime, Duration leaseWait) {
        this.client = client;
        this.health = health;
        this.leaseMillis = leaseTime.toMillis();
        this.waitNanos = leaseWait.toNanos();
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "dspy4j-redis-lease-renewer");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        this.renewer = s;
    }

    /**
     * The lease on {@code leaseKey}: granted (held in Redis, or held by nothing when Redis is down), or
     * answered with the value another process stored at {@code valueKey} meanwhile.
     */
    CacheLease lease(
            byte[] leaseKey,
            byte[] valueKey,
            Function<byte[], RedisStore.Stored> read,
            Function<RedisStore.Stored, LmResponse> decode) {
        if (Thread.currentThread().isInterrupted()) return CacheLease.local(); // a cancelled call waits for nothing
        if (!health.shouldTry()) {
            health.skipped(CacheFailure.Operation.LEASE, "a lease");
            return CacheLease.local();
        }
        byte[] owner = (ownerPrefix + counter.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + waitNanos;
        long poll = FIRST_POLL_MS;
        try {
            while (true) {
                if ("OK"
                        .equals(client.set(
                                leaseKey, owner, SetParams.setParams().nx().px(leaseMillis)))) {
                    health.succeeded();
                    // a holder may have stored the value and given the lease back since the caller's miss
                    LmResponse stored = stored(valueKey, read, decode);
                    if (stored == null) return held(leaseKey, owner);
                    release(leaseKey, owner);
                    return CacheLease.answered(stored);
                }
                // another process holds it: wait for its value, or for the lease to go. The lease is checked
                // before the value: a holder stores the value before it gives the lease back.
                while (true) {
                    boolean leased = client.exists(leaseKey);
                    LmResponse stored = stored(valueKey, read, decode);
                    health.succeeded();
                    if (stored != null) return CacheLease.answered(stored);
                    if (!leased) break; // given back without a value, or expired: try to take it
                    if (System.nanoTime() - deadline > 0) {
                        String m =
                                "waited " + waitNanos / 1_000_000 + " ms for another process's call, sending instead";
                        if (waitWarned.compareAndSet(false, true)) log.warn("{} (said once per cache)", m);
                        health.tell(CacheFailure.Operation.LEASE, m, null);
                        return CacheLease.local();
                    }
                    Thread.sleep(poll);
                    poll = Math.min(MAX_POLL_MS, poll * 2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CacheLease.local();
        } catch (RuntimeException e) {
            health.failed(CacheFailure.Operation.LEASE, "a lease", e);
            // interrupted mid-command (a cancelled call): the SET NX may have reached Redis; give it back
            if (Thread.currentThread().isInterrupted()) release(leaseKey, owner);
            return CacheLease.local();
        }
    }

    /**
     * A granted lease that renews itself until closed, then deletes itself if still owned. Renewing stops
     * early when the lease is found lost (it expired, and may be another caller's now), and once it has been
     * held for the lease wait: a holder whose call hangs keeps the others waiting no longer than they would
     * wait anyway; its lease then lapses within the lease time and a waiter sends.
     */
    private CacheLease held(byte[] leaseKey, byte[] owner) {
        long every = Math.max(10, leaseMillis / 3);
        byte[] ms = Long.toString(leaseMillis).getBytes(StandardCharsets.UTF_8);
        long until = System.nanoTime() + waitNanos;
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        ScheduledFuture<?> renewal = renewer.scheduleWithFixedDelay(
                () -> {
                    if (System.nanoTime() - until > 0) {
                        stop(self);
                        health.tell(
                                CacheFailure.Operation.LEASE,
                                "a call held its lease longer than the lease wait (" + waitNanos / 1_000_000
                                        + " ms); no longer renewed, so the callers waiting for it send themselves",
                                null);
                        return;
                    }
                    if (!health.shouldTry()) return; // down: the lease lapses, and so do the others' waits
                    try {
                        Object renewed = client.eval(RENEW, List.of(leaseKey), List.of(owner, ms));
                        health.succeeded();
                        if (Long.valueOf(0).equals(renewed)) stop(self); // lost: it expired, maybe taken since
                    } catch (RuntimeException e) {
                        health.failed(CacheFailure.Operation.LEASE, "renewing a lease", e);
                    }
                },
                every,
                every,
                TimeUnit.MILLISECONDS);
        self.set(renewal);
        return CacheLease.granted(() -> {
            renewal.cancel(false);
            if (health.shouldTry()) release(leaseKey, owner); // else it expires by itself
        });
    }

    private static void stop(AtomicReference<ScheduledFuture<?>> renewal) {
        ScheduledFuture<?> f = renewal.get();
        if (f != null) f.cancel(false); // else the next run stops it
    }

    /** The decoded value at {@code valueKey}, or null if there is none or it does not decode. */
    private static LmResponse stored(
            byte[] valueKey, Function<byte[], RedisStore.Stored> read, Function<RedisStore.Stored, LmResponse> decode) {
        RedisStore.Stored v = read.apply(valueKey);
        return v == null ? null : decode.apply(v);
    }

    /** Deletes the lease if {@code owner} still holds it; a failure is absorbed. */
    private void release(byte[] leaseKey, byte[] owner) {
        writeForOthers(
                CacheFailure.Operation.LEASE,
                "giving back a lease",
                () -> client.eval(RELEASE, List.of(leaseKey), List.of(owner)));
    }

    /**
     * Runs {@code write}, a Redis command that other processes wait for (storing a value, giving a lease
     * back), on this thread, or on this cache's own thread when this one is interrupted: a call cancelled
     * with {@code cancel(true)} on a virtual thread has its socket closed by the interrupt mid-command,
     * and its waiters would otherwise wait for the lease to expire. A failure is absorbed.
     */
    void writeForOthers(CacheFailure.Operation op, String what, Runnable write) {
        if (!Thread.currentThread().isInterrupted()) {
            try {
                write.run();
                health.succeeded();
                return;
            } catch (RuntimeException e) {
                health.failed(op, what, e); // not an outage if this thread was interrupted meanwhile
                if (!Thread.currentThread().isInterrupted()) return;
            }
        }
        try {
            renewer.execute(() -> {
                try {
                    write.run();
                    health.succeeded();
                } catch (RuntimeException e) {
                    health.failed(op, what, e);
                }
            });
        } catch (RejectedExecutionException e) {
            health.tell(op, what + " skipped: the cache is closed", e);
        }
    }

    /** Stops renewing; writes handed over by interrupted callers get up to {@code grace} to finish. */
    void close(Duration grace) {
        renewer.shutdown(); // cancels the renewals, runs what was handed over
        try {
            renewer.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            renewer.shutdownNow();
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    private static byte[] script(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
