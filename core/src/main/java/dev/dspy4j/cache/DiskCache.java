package dev.dspy4j.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheListener;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import dev.dspy4j.lm.upload.SqliteUploadRegistry;
import dev.dspy4j.lm.upload.UploadRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * A response cache in one SQLite file ({@value #FILE_NAME}) inside a directory, shared safely by
 * threads and by processes.
 *
 * <h2>Storage</h2>
 * One table, {@code entries}, keyed by the 32 bytes of the {@link CacheKey} (a {@code BLOB PRIMARY
 * KEY}); the value is the response in a compact, versioned JSON encoding (completions with text,
 * finish reason and tool calls; model; usage), with its size and its created and last-access times
 * (epoch milliseconds). A one-row table {@code totals} keeps the entry count and total size, updated
 * in the same transaction as every change, so {@link #stats()} costs one row read.
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
 * thread once 64 are queued (so a hit never waits for a write lock), or on {@link #close()}. Times queued by a process that is killed are lost, which only makes
 * eviction slightly less exact. A layer in front (the memory layer of a {@link TieredCache}) reports its
 * hits with {@link #recordAccess}, so an entry that is hot in memory is not evicted from disk; such a
 * report is queued at most once per key and resolution, without reading the entry.
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
    static final int SCHEMA_VERSION = 1;
    private static final int TOUCH_FLUSH_THRESHOLD = 64;
    /** Beyond this many queued access times (the disk is stuck), new ones are dropped. */
    private static final int TOUCH_QUEUE_LIMIT = 100_000;
    /** Writes queued access times in the background, so that a hit never waits for a write lock. */
    private static final ExecutorService ACCESS_WRITER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dspy4j-cache-access-times");
        t.setDaemon(true);
        return t;
    });
    private static final int EVICT_BATCH = 256;
    private static final Logger log = LoggerFactory.getLogger(DiskCache.class);
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;

    private final Path directory;
    private final Path file;
    private final long maxBytes;
    private final long busyTimeoutMillis;
    private final long accessResolutionMillis;
    private final Clock clock;
    private final int poolSize;
    private final BlockingQueue<Conn> idle;
    private final List<Conn> all = new ArrayList<>();
    private final Map<CacheKey, Long> pendingTouches = new ConcurrentHashMap<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Keys whose access was recorded through {@link #recordAccess} within the last resolution. */
    private final Cache<CacheKey, Boolean> recentlyRecorded;
    private final CacheListener listener;
    private volatile boolean closed;
    private SqliteUploadRegistry uploads;

    private DiskCache(Builder b) {
        this.directory = Objects.requireNonNull(b.directory, "directory (the cache directory was not set)")
                .toAbsolutePath();
        this.file = directory.resolve(FILE_NAME);
        this.maxBytes = b.maxBytes;
        this.busyTimeoutMillis = b.busyTimeout.toMillis();
        this.accessResolutionMillis = b.accessResolution.toMillis();
        this.clock = b.clock;
        this.poolSize = b.poolSize;
        this.listener = b.listener;
        this.idle = new ArrayBlockingQueue<>(poolSize);
        this.recentlyRecorded = Caffeine.newBuilder()
                .expireAfterWrite(b.accessResolution)
                .maximumSize(100_000)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new CacheException("cannot create the cache directory " + directory + ": " + e, e);
        }
        checkWritable();
        Conn first = newConnection();
        try {
            if (b.checkOnOpen) quickCheck(first.connection);
            initSchema(first.connection);
        } catch (SQLException e) {
            first.closeQuietly();
            throw failure("open", e);
        } catch (RuntimeException e) {
            first.closeQuietly();
            throw e;
        }
        idle.add(first);
    }

    /** A disk cache in {@code directory} with the default settings. */
    public static DiskCache open(Path directory) {
        return builder().directory(directory).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The cache directory. */
    public Path directory() {
        return directory;
    }

    /** The SQLite file. */
    public Path file() {
        return file;
    }

    /** The size limit in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public LmResponse get(CacheKey key) {
        Objects.requireNonNull(key, "key");
        byte[] value;
        long accessed;
        Conn c = borrow();
        try {
            PreparedStatement ps = c.get();
            ps.setBytes(1, key.bytes());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                value = rs.getBytes(1);
                accessed = rs.getLong(2);
            }
        } catch (SQLException e) {
            throw failure("read " + key.hex(), e);
        } finally {
            release(c);
        }
        LmResponse response;
        try {
            response = ResponseCodec.decode(value);
        } catch (IllegalArgumentException e) {
            String m = "disk cache " + file + ": entry " + key.hex() + " does not decode (" + e.getMessage() + ")";
            log.warn("{}; treated as a miss", m);
            tell(CacheFailure.Operation.DECODE, m, e);
            return null;
        }
        long now = clock.millis();
        if (now - accessed >= accessResolutionMillis) {
            queueTouch(key, now);
        }
        return response;
    }

    /**
     * Records that the entry for {@code key} was just used, without reading it: a cache layer in front
     * of this one calls it on its own hits. Cheap (an in-memory check); the time is written with the
     * other queued access times, at most once per key per access resolution.
     */
    public void recordAccess(CacheKey key) {
        Objects.requireNonNull(key, "key");
        if (closed || recentlyRecorded.getIfPresent(key) != null) return;
        recentlyRecorded.put(key, Boolean.TRUE);
        queueTouch(key, clock.millis());
    }

    @Override
    public void put(CacheKey key, LmResponse response) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(response, "response");
        byte[] value = ResponseCodec.encode(response);
        long size = value.length + (long) key.bytes().length;
        if (size > maxBytes) {
            log.debug("disk cache {}: a response of {} bytes is larger than the limit of {} bytes; not stored",
                    file, size, maxBytes);
            return;
        }
        byte[] k = key.bytes();
        Conn c = borrow();
        try {
            inTransaction(c, () -> {
                writeTouches(c);
                long now = clock.millis();
                long oldSize = -1;
                PreparedStatement sel = c.selectSize();
                sel.setBytes(1, k);
                try (ResultSet rs = sel.executeQuery()) {
                    if (rs.next()) oldSize = rs.getLong(1);
                }
                PreparedStatement up = c.upsert();
                up.setBytes(1, k);
                up.setBytes(2, value);
                up.setLong(3, size);
                up.setLong(4, now);
                up.setLong(5, now);
                up.executeUpdate();
                addTotals(c, oldSize < 0 ? 1 : 0, size - Math.max(oldSize, 0));
                evictIfOver(c, k);
            });
        } finally {
            release(c);
        }
    }

    /** Removes one entry; true if it was present. */
    public boolean remove(CacheKey key) {
        byte[] k = key.bytes();
        boolean[] removed = {false};
        Conn c = borrow();
        try {
            inTransaction(c, () -> {
                long oldSize = -1;
                PreparedStatement sel = c.selectSize();
                sel.setBytes(1, k);
                try (ResultSet rs = sel.executeQuery()) {
                    if (rs.next()) oldSize = rs.getLong(1);
                }
                if (oldSize >= 0) {
                    deleteKey(c, k);
                    addTotals(c, -1, -oldSize);
                    removed[0] = true;
                }
            });
        } finally {
            release(c);
        }
        pendingTouches.remove(key);
        return removed[0];
    }

    /** The number of entries and their total stored size. */
    public CacheStats stats() {
        Conn c = borrow();
        try (Statement st = c.connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT entries, bytes FROM totals WHERE id = 0")) {
            if (!rs.next()) throw new CacheException("disk cache " + file + ": the totals row is missing");
            return new CacheStats(rs.getLong(1), rs.getLong(2), maxBytes);
        } catch (SQLException e) {
            throw failure("read stats", e);
        } finally {
            release(c);
        }
    }

    /**
     * Checks the file and every entry: SQLite's integrity check, every key 32 bytes, every value
     * decodes and has its recorded size, and the totals match the entries. Changes nothing.
     */
    public VerifyReport verify() {
        List<String> problems = new ArrayList<>();
        long checked = 0;
        long count = 0;
        long bytes = 0;
        Conn c = borrow();
        try (Statement st = c.connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (!"ok".equals(line)) problems.add("integrity check: " + line);
                }
            }
            // one read transaction, so the totals and the rows are one snapshot
            st.execute("BEGIN");
            try {
                long totalEntries;
                long totalBytes;
                try (ResultSet rs = st.executeQuery("SELECT entries, bytes FROM totals WHERE id = 0")) {
                    if (rs.next()) {
                        totalEntries = rs.getLong(1);
                        totalBytes = rs.getLong(2);
                    } else {
                        problems.add("the totals row is missing");
                        totalEntries = -1;
                        totalBytes = -1;
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT key, value, size FROM entries")) {
                    HexFormat hex = HexFormat.of();
                    while (rs.next()) {
                        byte[] k = rs.getBytes(1);
                        byte[] v = rs.getBytes(2);
                        long size = rs.getLong(3);
                        count++;
                        bytes += size;
                        String name = k == null ? "(null key)" : hex.formatHex(k);
                        if (k == null || k.length != dev.dspy4j.media.Digest.LENGTH) {
                            problems.add("entry " + name + ": the key has " + (k == null ? 0 : k.length)
                                    + " bytes, not 32");
                        }
                        if (v == null) {
                            problems.add("entry " + name + ": the value is missing");
                            continue;
                        }
                        if (k != null && size != v.length + (long) k.length) {
                            problems.add("entry " + name + ": recorded size " + size + " but the key and value have "
                                    + (v.length + (long) k.length) + " bytes");
                        }
                        try {
                            ResponseCodec.decode(v);
                            checked++;
                        } catch (IllegalArgumentException e) {
                            problems.add("entry " + name + " does not decode: " + e.getMessage());
                        }
                    }
                }
                if (totalEntries >= 0 && (totalEntries != count || totalBytes != bytes)) {
                    problems.add("totals say " + totalEntries + " entries and " + totalBytes + " bytes, but the table has "
                            + count + " entries and " + bytes + " bytes");
                }
            } finally {
                st.execute("COMMIT");
            }
        } catch (SQLException e) {
            throw failure("verify", e);
        } finally {
            release(c);
        }
        return new VerifyReport(checked, problems);
    }

    /** Deletes every entry and compacts the file; returns how many entries were deleted. */
    public long clear() {
        long[] deleted = {0};
        pendingTouches.clear();
        Conn c = borrow();
        try {
            inTransaction(c, () -> {
                try (Statement st = c.connection.createStatement()) {
                    deleted[0] = st.executeUpdate("DELETE FROM entries");
                    st.executeUpdate("UPDATE totals SET entries = 0, bytes = 0 WHERE id = 0");
                }
            });
            try (Statement st = c.connection.createStatement()) {
                st.execute("VACUUM");
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            } catch (SQLException e) {
                // another connection is reading: the entries are gone, the file just stays larger
                log.debug("disk cache {}: compaction after clear skipped: {}", file, e.getMessage());
            }
        } finally {
            release(c);
        }
        return deleted[0];
    }

    /**
     * The registry of provider uploads kept in this cache's file (table {@code uploads}), opened on first
     * use and closed with the cache; see {@link SqliteUploadRegistry}.
     */
    @Override
    public synchronized UploadRegistry uploadRegistry() {
        if (closed) throw closedError();
        if (uploads == null) {
            uploads = SqliteUploadRegistry.builder().file(file).busyTimeout(Duration.ofMillis(busyTimeoutMillis)).build();
        }
        return uploads;
    }

    /** Writes queued access times and closes every connection (and the upload registry). Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        synchronized (this) {
            if (uploads != null) uploads.close();
        }
        try {
            if (!pendingTouches.isEmpty()) flushTouches();
        } catch (CacheException e) {
            log.warn("disk cache {}: access times not written on close: {}", file, e.getMessage());
            tell(CacheFailure.Operation.ACCESS_TIME, e.getMessage(), e);
        }
        synchronized (all) {
            closed = true;
            for (Conn c : all) c.closeQuietly();
            all.clear();
        }
        idle.clear();
    }

    @Override
    public String toString() {
        return "DiskCache[" + file + ", maxBytes=" + maxBytes + "]";
    }

    // ---- internals ----

    private void initSchema(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            boolean ok = false;
            try {
                int version;
                try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                    version = rs.next() ? rs.getInt(1) : 0;
                }
                if (version > SCHEMA_VERSION) {
                    throw new CacheException("the cache file " + file + " has schema version " + version
                            + ", written by a newer dspy4j (this one reads version " + SCHEMA_VERSION
                            + "); use another cache directory or clear this one with a newer dspy4j");
                }
                if (version == 0) {
                    st.execute("CREATE TABLE IF NOT EXISTS entries ("
                            + " key BLOB PRIMARY KEY NOT NULL,"
                            + " value BLOB NOT NULL,"
                            + " size INTEGER NOT NULL,"
                            + " created INTEGER NOT NULL,"
                            + " accessed INTEGER NOT NULL)");
                    st.execute("CREATE INDEX IF NOT EXISTS entries_by_access ON entries(accessed)");
                    st.execute("CREATE TABLE IF NOT EXISTS totals ("
                            + " id INTEGER PRIMARY KEY CHECK (id = 0),"
                            + " entries INTEGER NOT NULL,"
                            + " bytes INTEGER NOT NULL)");
                    st.execute("INSERT OR IGNORE INTO totals(id, entries, bytes) VALUES (0, 0, 0)");
                    st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
                }
                st.execute("COMMIT");
                ok = true;
            } finally {
                if (!ok) rollbackQuietly(st);
            }
        }
    }

    private Conn newConnection() {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeoutMillis));
        Connection conn;
        try {
            conn = config.createConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw failure("open", e);
        }
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout = " + busyTimeoutMillis);
            String mode;
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                mode = rs.next() ? rs.getString(1) : "";
            }
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new CacheException("the cache file " + file + " could not be switched to WAL mode (it is in "
                        + mode + " mode); is the directory on a network file system?");
            }
            st.execute("PRAGMA synchronous = NORMAL");
        } catch (SQLException e) {
            closeQuietly(conn);
            throw failure("open", e);
        } catch (RuntimeException e) {
            closeQuietly(conn);
            throw e;
        }
        Conn c = new Conn(conn);
        synchronized (all) {
            if (closed) {
                c.closeQuietly();
                throw closedError();
            }
            all.add(c);
        }
        return c;
    }

    private Conn borrow() {
        if (closed) throw closedError();
        Conn c = idle.poll();
        if (c != null) return c;
        synchronized (all) {
            if (all.size() < poolSize) {
                return newConnection();
            }
        }
        try {
            c = idle.poll(busyTimeoutMillis + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheException("disk cache " + file + ": interrupted while waiting for a connection", e);
        }
        if (c == null) {
            throw new CacheException("disk cache " + file + ": all " + poolSize + " connections stayed busy for "
                    + (busyTimeoutMillis + 1000) + " ms");
        }
        return c;
    }

    private void release(Conn c) {
        if (closed) {
            c.closeQuietly();
        } else if (!idle.offer(c)) {
            c.closeQuietly();
        }
    }

    private CacheException closedError() {
        return new CacheException("disk cache " + file + " is closed");
    }

    private interface Work {
        void run() throws SQLException;
    }

    /**
     * Runs {@code work} in one BEGIN IMMEDIATE transaction on {@code c}. Writers of this process take
     * turns on a lock first, so SQLite's busy handler (which sleeps) only arbitrates between processes.
     */
    private void inTransaction(Conn c, Work work) {
        writeLock.lock();
        try (Statement st = c.connection.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            boolean ok = false;
            try {
                work.run();
                st.execute("COMMIT");
                ok = true;
            } finally {
                if (!ok) rollbackQuietly(st);
            }
        } catch (SQLException e) {
            throw failure("write", e);
        } finally {
            writeLock.unlock();
        }
    }

    /** Queues an access time; once enough are queued, a background thread writes them. */
    private void queueTouch(CacheKey key, long now) {
        if (pendingTouches.size() >= TOUCH_QUEUE_LIMIT) return;
        pendingTouches.put(key, now);
        if (pendingTouches.size() >= TOUCH_FLUSH_THRESHOLD && flushScheduled.compareAndSet(false, true)) {
            try {
                ACCESS_WRITER.execute(() -> {
                    try {
                        flushTouches();
                    } catch (CacheException e) {
                        log.debug("disk cache {}: access times not written yet: {}", file, e.getMessage());
                        tell(CacheFailure.Operation.ACCESS_TIME, e.getMessage(), e);
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

    /** Writes the queued access times now (tests; {@link #put} and {@link #close} do it anyway). */
    void flushAccessTimes() {
        flushTouches();
    }

    private void flushTouches() {
        if (pendingTouches.isEmpty() || closed) return;
        Conn c = borrow();
        try {
            inTransaction(c, () -> writeTouches(c));
        } finally {
            release(c);
        }
    }

    /** Writes queued access times; called inside a transaction. */
    private void writeTouches(Conn c) throws SQLException {
        if (pendingTouches.isEmpty()) return;
        PreparedStatement ps = c.touch();
        Iterator<Map.Entry<CacheKey, Long>> it = pendingTouches.entrySet().iterator();
        int n = 0;
        while (it.hasNext()) {
            Map.Entry<CacheKey, Long> e = it.next();
            it.remove();
            ps.setLong(1, e.getValue());
            ps.setBytes(2, e.getKey().bytes());
            ps.setLong(3, e.getValue());
            ps.addBatch();
            n++;
        }
        if (n > 0) ps.executeBatch();
    }

    private void addTotals(Conn c, long entries, long bytes) throws SQLException {
        PreparedStatement ps = c.addTotals();
        ps.setLong(1, entries);
        ps.setLong(2, bytes);
        ps.executeUpdate();
    }

    private void deleteKey(Conn c, byte[] key) throws SQLException {
        PreparedStatement ps = c.delete();
        ps.setBytes(1, key);
        ps.executeUpdate();
    }

    /** Deletes least recently used entries, never {@code keep}, until the total is at most 90 % of the limit. */
    private void evictIfOver(Conn c, byte[] keep) throws SQLException {
        long total;
        try (Statement st = c.connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT bytes FROM totals WHERE id = 0")) {
            total = rs.next() ? rs.getLong(1) : 0;
        }
        if (total <= maxBytes) return;
        long target = maxBytes - maxBytes / 10;
        long freedEntries = 0;
        long freedBytes = 0;
        while (total - freedBytes > target) {
            List<byte[]> keys = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            PreparedStatement oldest = c.oldest();
            oldest.setBytes(1, keep);
            oldest.setInt(2, EVICT_BATCH);
            try (ResultSet rs = oldest.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getBytes(1));
                    sizes.add(rs.getLong(2));
                }
            }
            if (keys.isEmpty()) break;
            for (int i = 0; i < keys.size() && total - freedBytes > target; i++) {
                deleteKey(c, keys.get(i));
                freedEntries++;
                freedBytes += sizes.get(i);
            }
        }
        addTotals(c, -freedEntries, -freedBytes);
        log.debug("disk cache {}: evicted {} entries ({} bytes)", file, freedEntries, freedBytes);
    }

    private CacheException failure(String what, SQLException e) {
        String m = "disk cache " + file + ": " + what + " failed: " + e.getMessage();
        switch (e.getErrorCode() & 0xFF) {
            case SQLITE_CORRUPT:
            case SQLITE_NOTADB:
                return corrupted(m, e);
            case SQLITE_READONLY:
                return new CacheNotWritableException(file, m + "; the cache file or its directory is read-only", e);
            default:
                return new CacheException(m, e);
        }
    }

    private CacheCorruptedException corrupted(String problem, Throwable cause) {
        return new CacheCorruptedException(file, problem + ". The cache file is damaged. It holds only cached "
                + "responses: delete " + file + " (with its -wal and -shm files) or use another cache directory; "
                + "the responses will be requested again", cause);
    }

    /** Runs SQLite's quick_check (every page read once); any finding is a {@link CacheCorruptedException}. */
    private void quickCheck(Connection conn) throws SQLException {
        List<String> findings = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check(5)")) {
            while (rs.next()) {
                String line = rs.getString(1);
                if (!"ok".equals(line)) findings.add(line);
            }
        }
        if (!findings.isEmpty()) {
            throw corrupted("disk cache " + file + ": SQLite's quick check found " + String.join("; ", findings), null);
        }
    }

    /** Creates and deletes a file in the directory, and checks an existing cache file can be written. */
    private void checkWritable() {
        try {
            Path probe = Files.createTempFile(directory, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new CacheNotWritableException(directory, "the cache directory " + directory
                    + " is not writable (" + e + "); choose a writable directory or run without the cache", e);
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new CacheNotWritableException(file, "the cache file " + file
                    + " is read-only; make it writable, choose another directory or run without the cache", null);
        }
    }

    private void tell(CacheFailure.Operation op, String message, Throwable cause) {
        try {
            listener.failed(new CacheFailure(op, message, cause));
        } catch (RuntimeException e) {
            log.warn("disk cache {}: the cache listener failed: {}", file, e.toString());
        }
    }

    private static void rollbackQuietly(Statement st) {
        try {
            st.execute("ROLLBACK");
        } catch (SQLException ignored) {
            // no transaction is open (it failed to begin), or the connection is gone
        }
    }

    private static void closeQuietly(Connection conn) {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // closing after a failure
        }
    }

    /** A connection with its prepared statements; used by one thread at a time. */
    private static final class Conn {
        final Connection connection;
        private PreparedStatement get;
        private PreparedStatement selectSize;
        private PreparedStatement upsert;
        private PreparedStatement touch;
        private PreparedStatement addTotals;
        private PreparedStatement delete;
        private PreparedStatement oldest;

        Conn(Connection connection) {
            this.connection = connection;
        }

        PreparedStatement get() throws SQLException {
            if (get == null) get = connection.prepareStatement("SELECT value, accessed FROM entries WHERE key = ?");
            return get;
        }

        PreparedStatement selectSize() throws SQLException {
            if (selectSize == null) selectSize = connection.prepareStatement("SELECT size FROM entries WHERE key = ?");
            return selectSize;
        }

        PreparedStatement upsert() throws SQLException {
            if (upsert == null) {
                upsert = connection.prepareStatement("INSERT INTO entries(key, value, size, created, accessed)"
                        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
                        + " value = excluded.value, size = excluded.size, accessed = excluded.accessed");
            }
            return upsert;
        }

        PreparedStatement touch() throws SQLException {
            if (touch == null) {
                touch = connection.prepareStatement("UPDATE entries SET accessed = ? WHERE key = ? AND accessed < ?");
            }
            return touch;
        }

        PreparedStatement addTotals() throws SQLException {
            if (addTotals == null) {
                addTotals = connection.prepareStatement(
                        "UPDATE totals SET entries = entries + ?, bytes = bytes + ? WHERE id = 0");
            }
            return addTotals;
        }

        PreparedStatement delete() throws SQLException {
            if (delete == null) delete = connection.prepareStatement("DELETE FROM entries WHERE key = ?");
            return delete;
        }

        PreparedStatement oldest() throws SQLException {
            if (oldest == null) {
                oldest = connection.prepareStatement(
                        "SELECT key, size FROM entries WHERE key <> ? ORDER BY accessed ASC LIMIT ?");
            }
            return oldest;
        }

        void closeQuietly() {
            DiskCache.closeQuietly(connection);
        }
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

        /** Told about failures this cache absorbs: entries that do not decode, access times not written. */
        public Builder listener(CacheListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Whether opening runs SQLite's {@code quick_check} over the file (default true). It reads every
         * page once: milliseconds for a small cache, about as long as reading the file for a large one.
         */
        public Builder checkOnOpen(boolean on) {
            this.checkOnOpen = on;
            return this;
        }

        /** The cache directory (created if missing); the SQLite file is {@value DiskCache#FILE_NAME} inside it. */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "directory");
            return this;
        }

        /** The limit on the total stored size (default 1 GiB). */
        public Builder maxBytes(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("maxBytes must be positive, not " + bytes);
            this.maxBytes = bytes;
            return this;
        }

        /** How long a writer waits for another connection or process to release a lock (default 10 s). */
        public Builder busyTimeout(Duration timeout) {
            if (timeout.isNegative()) throw new IllegalArgumentException("busyTimeout must not be negative: " + timeout);
            this.busyTimeout = timeout;
            return this;
        }

        /** How stale a stored access time may get before a hit updates it (default 60 s; zero: every hit). */
        public Builder accessResolution(Duration resolution) {
            if (resolution.isNegative()) {
                throw new IllegalArgumentException("accessResolution must not be negative: " + resolution);
            }
            this.accessResolution = resolution;
            return this;
        }

        /** The most connections this process opens (default 4). */
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
         * @throws CacheNotWritableException if the directory or the file cannot be written
         * @throws CacheCorruptedException    if the file is damaged
         * @throws CacheException             if the directory cannot be created or the file cannot be opened
         */
        public DiskCache build() {
            return new DiskCache(this);
        }
    }
}
