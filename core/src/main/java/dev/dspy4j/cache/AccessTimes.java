package dev.dspy4j.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dspy4j.cache.SqliteFile.Session;
import dev.dspy4j.lm.CacheKey;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@link DiskCache}'s last-access times, kept so that a hit is a read, not a write: a hit on an entry
 * whose stored time is older than the resolution queues the new time in memory; queued times are
 * written in the next put's transaction ({@link #writeQueued}), by a background thread once
 * {@value #FLUSH_THRESHOLD} are queued, or on close. Thread-safe.
 */
final class AccessTimes {
    static final int FLUSH_THRESHOLD = 64;
    /** Beyond this many queued access times (the disk is stuck), new ones are dropped. */
    private static final int QUEUE_LIMIT = 100_000;
    /** Writes queued access times in the background, so that a hit never waits for a write lock. */
    private static final ExecutorService WRITER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dspy4j-cache-access-times");
        t.setDaemon(true);
        return t;
    });

    private final SqliteFile sqlite;
    private final Clock clock;
    private final long resolutionMillis;
    /** Told when a background write fails (the caller logs and reports it). */
    private final Consumer<CacheException> backgroundFailure;

    private final Map<CacheKey, Long> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** Keys whose access was recorded through {@link #record} within the last resolution. */
    private final Cache<CacheKey, Boolean> recentlyRecorded;

    AccessTimes(SqliteFile sqlite, Clock clock, Duration resolution, Consumer<CacheException> backgroundFailure) {
        this.sqlite = sqlite;
        this.clock = clock;
        this.resolutionMillis = resolution.toMillis();
        this.backgroundFailure = backgroundFailure;
        this.recentlyRecorded = Caffeine.newBuilder()
                .expireAfterWrite(resolution)
                .maximumSize(100_000)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }

    /** After a hit on an entry last accessed at {@code storedAccess}: queues the time now if that is stale. */
    void hit(CacheKey key, long storedAccess) {
        long now = clock.millis();
        if (now - storedAccess >= resolutionMillis) queue(key, now);
    }

    /** A hit reported by a layer in front, without reading the entry: queued at most once per key and resolution. */
    void record(CacheKey key) {
        if (sqlite.isClosed() || recentlyRecorded.getIfPresent(key) != null) return;
        recentlyRecorded.put(key, Boolean.TRUE);
        queue(key, clock.millis());
    }

    /** Drops the queued time of one key (its entry was removed). */
    void forget(CacheKey key) {
        pending.remove(key);
    }

    /** Drops every queued time (the entries were cleared). */
    void forgetAll() {
        pending.clear();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Writes the queued times now, in their own transaction. */
    void flush() {
        if (pending.isEmpty() || sqlite.isClosed()) return;
        sqlite.write("write", this::writeQueued);
    }

    /** Writes the queued times on {@code s}; called inside a write transaction. */
    Void writeQueued(Session s) throws SQLException {
        if (pending.isEmpty()) return null;
        PreparedStatement ps = null;
        Iterator<Map.Entry<CacheKey, Long>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<CacheKey, Long> e = it.next();
            it.remove();
            ps = ResponseTable.addTouch(s, e.getKey().bytes(), e.getValue());
        }
        if (ps != null) ps.executeBatch();
        return null;
    }

    /** Queues an access time; once enough are queued, a background thread writes them. */
    private void queue(CacheKey key, long now) {
        if (pending.size() >= QUEUE_LIMIT) return;
        pending.put(key, now);
        if (pending.size() >= FLUSH_THRESHOLD && flushScheduled.compareAndSet(false, true)) {
            try {
                WRITER.execute(() -> {
                    try {
                        flush();
                    } catch (CacheException e) {
                        backgroundFailure.accept(e);
                    } finally {
                        flushScheduled.set(false);
                    }
                });
            } catch (RuntimeException e) {
                flushScheduled.set(false);
                throw e;
            }
        }
    }
}
