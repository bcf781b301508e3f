package dev.dspy4j.cache;

import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheListener;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.upload.SqliteUploadRegistry;
import dev.dspy4j.lm.upload.UploadRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A response cache in one SQLite file ({@value #FILE_NAME}) inside a directory, shared safely by
 * threads and by processes.
 *
 * <h2>Storage</h2>
 * One table, {@code entries}, keyed by the 32 bytes of the {@link CacheKey}; the value is the
 * response in {@link ResponseCodec}'s compact, versioned JSON, with its size and its created and
 * last-access times (epoch milliseconds). A one-row table {@code totals} keeps the entry count and
 * total size, updated in the same transaction as every change, so {@link #stats()} reads one row.
 *
 * <h2>Safety</h2>
 * The database runs in WAL mode with {@code synchronous=NORMAL}: every {@link #put} is one
 * {@code BEGIN IMMEDIATE} transaction (an upsert, the totals, any eviction), so a process killed at
 * any moment leaves each entry either whole or absent, and committed entries survive the crash of
 * the process (a power loss may roll back the last few commits, never corrupt the file). Several
 * processes may open the same directory: SQLite's file locks serialise writers, and a writer that
 * finds the database locked waits up to the busy timeout (default 10 s) before failing. Readers never
 * block writers. Within a process a small pool of connections (default 4) serves all threads, and
 * the process's writers take turns on a lock, so SQLite's busy wait only arbitrates between processes.
 *
 * <h2>Size limit and eviction</h2>
 * When a put takes the total size over {@code maxBytes} (default 1 GiB), the least recently used
 * entries are deleted, in the same transaction, until the total is at most 90 % of the limit.
 * A response larger than the whole limit is not stored.
 *
 * <h2>Access times</h2>
 * To keep a hit a read, not a write, the last-access time of an entry is updated at most once per
 * {@code accessResolution} (default 60 s): a hit on an entry whose stored time is older queues the
 * new time in memory, and queued times are written in the next put's transaction, by a background
 * thread once 64 are queued (so a hit never waits for a write lock), or on {@link #close()}. Times
 * queued by a process that is killed are lost, which only makes eviction slightly less exact. A layer
 * in front (the memory layer of a {@link TieredCache}) reports its hits with {@link #recordAccess}, so
 * an entry that is hot in memory is not evicted from disk; such a report is queued at most once per
 * key and resolution, without reading the entry.
 *
 * <h2>Errors</h2>
 * Operations throw {@link CacheException} naming the file when SQLite fails (for example when
 * another process holds a write lock longer than the busy timeout): a {@link CacheCorruptedException}
 * when SQLite finds the file damaged, a {@link CacheNotWritableException} when it cannot be written.
 * Opening checks that the directory can be written and, unless turned off with
 * {@link Builder#checkOnOpen(boolean)}, runs SQLite's {@code quick_check} over the file (it reads
 * every page once), so a damaged cache is reported at open with what to do rather than as a trickle
 * of misses. A stored value that does not decode (damaged, or written by an incompatible version)
 * is reported as a miss, logged, and told to the {@link CacheListener}.
 *
 * <h2>Code</h2>
 * The operations are here; the file, its pool, transactions and errors are {@code SqliteFile} (shared
 * with sibling tables), the SQL and eviction {@code ResponseTable}, access times {@code AccessTimes}.
 *
 * <pre>{@code
 * try (DiskCache disk = DiskCache.builder().directory(Path.of("/tmp/c")).maxBytes(256L << 20).build()) {
 *     CacheStats s = disk.stats();
 * }
 * }</pre>
 */
public final class DiskCache implements ResponseCache, UploadRegistry.Source {
    /** The name of the SQLite file inside the cache directory. */
    public static final String FILE_NAME = "responses.sqlite3";
    /** The default size limit: 1 GiB of stored responses. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /** The default busy timeout. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);
    /** The default access-time resolution. */
    public static final Duration DEFAULT_ACCESS_RESOLUTION = Duration.ofSeconds(60);

    /** The schema version, kept in SQLite's {@code user_version}. */
    static final int SCHEMA_VERSION = ResponseTable.SCHEMA_VERSION;

    private static final Logger log = LoggerFactory.getLogger(DiskCache.class);

    private final SqliteFile sqlite;
    private final Path file;
    private final long maxBytes;
    private final Clock clock;
    private final AccessTimes accessTimes;
    private final FailureReporter failures;
    private final Duration busyTimeout;
    private SqliteUploadRegistry uploads;

    private DiskCache(Builder b) {
        this.sqlite = SqliteFile.open(b.directory, FILE_NAME, b.busyTimeout, b.poolSize, b.checkOnOpen);
        this.file = sqlite.file();
        this.maxBytes = b.maxBytes;
        this.clock = b.clock;
        this.failures = new FailureReporter(b.listener, log, "disk cache " + file + ": ");
        this.busyTimeout = b.busyTimeout;
        this.accessTimes = new AccessTimes(sqlite, clock, b.accessResolution, e -> {
            log.debug("disk cache {}: access times not written yet: {}", file, e.getMessage());
            failures.tell(CacheFailure.Operation.ACCESS_TIME, e.getMessage(), e);
        });
        try {
            sqlite.read("open", s -> ResponseTable.initSchema(s, file));
        } catch (RuntimeException e) {
            sqlite.close();
            throw e;
        }
    }

    /**
     * A disk cache in {@code directory} with the default settings; fails as {@link Builder#build()}.
     *
     * @param directory the cache directory, created if missing
     * @return the open cache; close it to write queued access times
     */
    public static DiskCache open(Path directory) {
        return builder().directory(directory).build();
    }

    /** {@return a builder with the defaults; only the directory must be set} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the cache directory, absolute} */
    public Path directory() {
        return sqlite.directory();
    }

    /** {@return the SQLite file, {@value #FILE_NAME} in the directory} */
    public Path file() {
        return file;
    }

    /** {@return the limit on the stored size in bytes (keys and encoded responses)} */
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public LmResponse get(CacheKey key) {
        Objects.requireNonNull(key, "key");
        ResponseTable.Row row = sqlite.read("read " + key.hex(), s -> ResponseTable.get(s, key.bytes()));
        if (row == null) return null;
        LmResponse response;
        try {
            response = ResponseCodec.decode(row.value());
        } catch (IllegalArgumentException e) {
            String m = "disk cache " + file + ": entry " + key.hex() + " does not decode (" + e.getMessage() + ")";
            log.warn("{}; treated as a miss", m);
            failures.tell(CacheFailure.Operation.DECODE, m, e);
            return null;
        }
        accessTimes.hit(key, row.accessed());
        return response;
    }

    /**
     * Records that the entry for {@code key} was just used, without reading it: a cache layer in front
     * of this one calls it on its own hits. Cheap (an in-memory check); the time is written with the
     * other queued access times, at most once per key per access resolution.
     *
     * @param key the entry's key; an absent entry is not an error (the queued time changes nothing)
     */
    public void recordAccess(CacheKey key) {
        Objects.requireNonNull(key, "key");
        accessTimes.record(key);
    }

    @Override
    public void put(CacheKey key, LmResponse response) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(response, "response");
        byte[] value = ResponseCodec.encode(response);
        long size = value.length + (long) key.bytes().length;
        if (size > maxBytes) {
            log.debug(
                    "disk cache {}: a response of {} bytes is larger than the limit of {} bytes; not stored",
                    file,
                    size,
                    maxBytes);
            return;
        }
        byte[] k = key.bytes();
        sqlite.write("write", s -> {
            accessTimes.writeQueued(s);
            long[] freed = ResponseTable.put(s, k, value, size, clock.millis(), maxBytes);
            if (freed[0] > 0 || freed[1] > 0) {
                log.debug("disk cache {}: evicted {} entries ({} bytes)", file, freed[0], freed[1]);
            }
            return null;
        });
    }

    /**
     * Removes one entry, in one write transaction.
     *
     * @param key the entry's key
     * @return true if it was present
     */
    public boolean remove(CacheKey key) {
        byte[] k = key.bytes();
        boolean removed = sqlite.write("write", s -> ResponseTable.remove(s, k));
        accessTimes.forget(key);
        return removed;
    }

    /** {@return the number of entries and their size in bytes (keys and encoded responses): one row read} */
    public CacheStats stats() {
        long[] totals = sqlite.read("read stats", ResponseTable::totals);
        if (totals == null) throw new CacheException("disk cache " + file + ": the totals row is missing");
        return new CacheStats(totals[0], totals[1], maxBytes);
    }

    /**
     * {@return what checking the file and every entry found: SQLite's integrity check, 32-byte keys,
     * values that decode and have their recorded size, totals that match} Changes nothing; reads it all.
     */
    public VerifyReport verify() {
        return sqlite.read("verify", ResponseTable::verify);
    }

    /**
     * Deletes every entry and compacts the file (skipped while another connection reads it).
     *
     * @return how many entries were deleted
     */
    public long clear() {
        accessTimes.forgetAll();
        return sqlite.read("clear", s -> ResponseTable.clear(s, file));
    }

    /**
     * The registry of provider uploads kept in this cache's file (table {@code uploads}), opened on first
     * use and closed with the cache; see {@link SqliteUploadRegistry}.
     */
    @Override
    public synchronized UploadRegistry uploadRegistry() {
        if (sqlite.isClosed()) throw new CacheException("disk cache " + file + " is closed");
        if (uploads == null) {
            uploads = SqliteUploadRegistry.builder()
                    .file(file)
                    .busyTimeout(busyTimeout)
                    .build();
        }
        return uploads;
    }

    /** Writes queued access times and closes every connection (and the upload registry). Idempotent. */
    @Override
    public void close() {
        if (sqlite.isClosed()) return;
        synchronized (this) {
            if (uploads != null) uploads.close();
        }
        try {
            if (!accessTimes.isEmpty()) accessTimes.flush();
        } catch (CacheException e) {
            log.warn("disk cache {}: access times not written on close: {}", file, e.getMessage());
            failures.tell(CacheFailure.Operation.ACCESS_TIME, e.getMessage(), e);
        }
        sqlite.close();
    }

    @Override
    public String toString() {
        return "DiskCache[" + file + ", maxBytes=" + maxBytes + "]";
    }

    /** Writes the queued access times now (tests; {@link #put} and {@link #close} do it anyway). */
    void flushAccessTimes() {
        accessTimes.flush();
    }

    /** Configures a {@link DiskCache}. */
    public static final class Builder {
        private Path directory;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private Duration accessResolution = DEFAULT_ACCESS_RESOLUTION;
        private int poolSize = 4;
        private Clock clock = Clock.systemUTC();
        private CacheListener listener = CacheListener.NONE;
        private boolean checkOnOpen = true;

        private Builder() {}

        /**
         * Sets who is told about the failures this cache absorbs.
         *
         * @param l told of entries that do not decode and access times not written (default
         *     {@link CacheListener#NONE}); a listener that throws is logged
         * @return this builder
         */
        public Builder listener(CacheListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Sets whether opening runs SQLite's {@code quick_check} over the file (default true).
         *
         * @param on false to skip it; it reads every page once: milliseconds for a small cache, about as
         *     long as reading the file for a large one
         * @return this builder
         */
        public Builder checkOnOpen(boolean on) {
            this.checkOnOpen = on;
            return this;
        }

        /**
         * Sets the cache directory (required), which processes may share.
         *
         * @param dir created if missing; the SQLite file is {@value DiskCache#FILE_NAME} in it
         * @return this builder
         */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "directory");
            return this;
        }

        /**
         * Sets the limit on the total stored size, past which least recently used entries are evicted.
         *
         * @param bytes keys and encoded responses, in bytes; positive (default 1 GiB)
         * @return this builder
         */
        public Builder maxBytes(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("maxBytes must be positive, not " + bytes);
            this.maxBytes = bytes;
            return this;
        }

        /**
         * Sets how long a writer waits for another connection or process to release a lock.
         *
         * @param timeout not negative (default 10 s); past it the write fails with a {@link CacheException}
         * @return this builder
         */
        public Builder busyTimeout(Duration timeout) {
            if (timeout.isNegative())
                throw new IllegalArgumentException("busyTimeout must not be negative: " + timeout);
            this.busyTimeout = timeout;
            return this;
        }

        /**
         * Sets how stale a stored access time may get before a hit updates it.
         *
         * @param resolution not negative (default 60 s; zero: every hit queues its time, written as the class
         *     comment says)
         * @return this builder
         */
        public Builder accessResolution(Duration resolution) {
            if (resolution.isNegative()) {
                throw new IllegalArgumentException("accessResolution must not be negative: " + resolution);
            }
            this.accessResolution = resolution;
            return this;
        }

        /**
         * Sets the most connections this process opens on the file; more threads wait for one.
         *
         * @param size at least 1 (default 4)
         * @return this builder
         */
        public Builder poolSize(int size) {
            if (size < 1) throw new IllegalArgumentException("poolSize must be at least 1, not " + size);
            this.poolSize = size;
            return this;
        }

        /** The clock for created and access times (tests). */
        Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * Opens (creating if needed) the cache.
         *
         * @return the open cache
         * @throws NullPointerException       if no {@link #directory} was set
         * @throws CacheNotWritableException if the directory or the file cannot be written
         * @throws CacheCorruptedException    if the file is damaged
         * @throws CacheException             if the directory cannot be created or the file cannot be opened
         */
        public DiskCache build() {
            return new DiskCache(this);
        }
    }
}
