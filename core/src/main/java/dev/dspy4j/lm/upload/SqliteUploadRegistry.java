package dev.dspy4j.lm.upload;

import dev.dspy4j.lm.LmException;
import dev.dspy4j.media.Digest;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.sqlite.SQLiteConfig;

/**
 * An {@link UploadRegistry} in a table {@code uploads} of the response cache's SQLite file
 * ({@value #FILE_NAME} in the cache directory), shared by the threads and processes that open it.
 *
 * <h2>Storage</h2>
 * One row per (provider, account, digest): the file id, size, created and expiry times (epoch
 * milliseconds), and while an upload is under way, its owner (a random id per opened registry) and
 * deadline. No API key, and no secret from the base URL ({@link Uploads#account}), is stored.
 *
 * <h2>One upload for all</h2>
 * A caller that needs an upload claims it in one {@code BEGIN IMMEDIATE} transaction: if the row holds a
 * usable file id it is used; if another owner's claim is still within its deadline the caller polls
 * (every {@link Builder#pollInterval}, default 100 ms) until that owner records the id or its claim
 * lapses; otherwise the caller writes its own claim, uploads, and records the id. An owner extends its
 * deadline every third of {@link Builder#lease} (default 30 s) while it uploads, so a process that is
 * killed holds the others up for one lease at most. Threads of one process share one attempt before
 * touching the file. A failed upload deletes its claim, and the next caller tries itself.
 *
 * <h2>Crash safety</h2>
 * As the disk cache: WAL mode with {@code synchronous=NORMAL}, each change one transaction, so a process
 * killed at any moment leaves each row whole or absent (a claim left by a dead owner lapses at its
 * deadline). Writers of other processes wait up to the busy timeout (default 10 s).
 *
 * <p>Errors of the store throw {@link UploadRegistryException} naming the file. Thread-safe.
 */
public final class SqliteUploadRegistry implements UploadRegistry {
    /** The SQLite file in the cache directory: the response cache's own ({@code DiskCache.FILE_NAME}). */
    public static final String FILE_NAME = "responses.sqlite3";

    private static final ScheduledExecutorService LEASES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dspy4j-upload-leases");
        t.setDaemon(true);
        return t;
    });

    private final Path file;
    private final Connection conn;
    private final ReentrantLock lock = new ReentrantLock();
    private final String owner = UUID.randomUUID().toString();
    private final Duration lease;
    private final Duration pollInterval;
    private final Duration margin;
    private final Clock clock;
    private final ConcurrentHashMap<Upload.Key, Upload> known = new ConcurrentHashMap<>();
    private final Set<Upload.Key> claimed = ConcurrentHashMap.newKeySet();
    private final SingleFlight<Upload.Key, Upload> flights = new SingleFlight<>();
    private final ScheduledFuture<?> renewal;
    private volatile boolean closed;

    private SqliteUploadRegistry(Builder b) {
        this.file = b.file.toAbsolutePath();
        this.lease = b.lease;
        this.pollInterval = b.pollInterval;
        this.margin = b.margin;
        this.clock = b.clock;
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UploadRegistryException("cannot create the directory of the upload registry " + file + ": " + e, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, b.busyTimeout.toMillis()));
        try {
            this.conn = config.createConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw failure("open", e);
        }
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout = " + b.busyTimeout.toMillis());
            String mode;
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                mode = rs.next() ? rs.getString(1) : "";
            }
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new UploadRegistryException("the upload registry " + file + " could not be switched to WAL mode (it is in "
                        + mode + " mode); is the directory on a network file system?", null);
            }
            st.execute("PRAGMA synchronous = NORMAL");
            st.execute("BEGIN IMMEDIATE");
            st.execute("CREATE TABLE IF NOT EXISTS uploads ("
                    + " provider TEXT NOT NULL,"
                    + " account TEXT NOT NULL,"
                    + " digest TEXT NOT NULL,"
                    + " file_id TEXT,"
                    + " bytes INTEGER NOT NULL,"
                    + " created INTEGER NOT NULL,"
                    + " expires INTEGER,"
                    + " owner TEXT,"
                    + " deadline INTEGER,"
                    + " PRIMARY KEY (provider, account, digest))");
            st.execute("COMMIT");
        } catch (SQLException e) {
            closeQuietly();
            throw failure("open", e);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        long every = Math.max(1, lease.toMillis() / 3);
        this.renewal = LEASES.scheduleWithFixedDelay(this::renewClaims, every, every, TimeUnit.MILLISECONDS);
    }

    /** The registry in {@code cacheDirectory}'s {@value #FILE_NAME}, with the default settings. */
    public static SqliteUploadRegistry open(Path cacheDirectory) {
        return builder().directory(cacheDirectory).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The SQLite file. */
    public Path file() {
        return file;
    }

    @Override
    public Upload find(Upload.Key key) {
        Objects.requireNonNull(key, "key");
        Instant now = clock.instant();
        Upload u = known.get(key);
        if (u != null && u.usableAt(now, margin)) return u;
        Row row = locked(() -> select(key));
        if (row == null || row.upload == null || !row.upload.usableAt(now, margin)) return null;
        known.put(key, row.upload);
        return row.upload;
    }

    @Override
    public Upload ensure(Upload.Key key, long bytes, Supplier<RemoteFile> upload) {
        Objects.requireNonNull(upload, "upload");
        Upload found = find(key);
        if (found != null) return found;
        return flights.run(key, () -> claimAndUpload(key, bytes, upload));
    }

    private Upload claimAndUpload(Upload.Key key, long bytes, Supplier<RemoteFile> upload) {
        while (true) {
            Row decided = transaction(() -> {
                long now = clock.millis();
                Row row = select(key);
                if (row != null && row.upload != null && row.upload.usableAt(Instant.ofEpochMilli(now), margin)) return row;
                if (row != null && row.upload == null && !owner.equals(row.owner) && row.deadline > now) return row;
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO uploads"
                        + " (provider, account, digest, file_id, bytes, created, expires, owner, deadline)"
                        + " VALUES (?, ?, ?, NULL, ?, ?, NULL, ?, ?) ON CONFLICT (provider, account, digest) DO UPDATE SET"
                        + " file_id = NULL, bytes = excluded.bytes, created = excluded.created, expires = NULL,"
                        + " owner = excluded.owner, deadline = excluded.deadline")) {
                    bindKey(ps, key);
                    ps.setLong(4, bytes);
                    ps.setLong(5, now);
                    ps.setString(6, owner);
                    ps.setLong(7, now + lease.toMillis());
                    ps.executeUpdate();
                }
                return null;
            });
            if (decided == null) break;
            if (decided.upload != null) {
                known.put(key, decided.upload);
                return decided.upload;
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LmException("interrupted while waiting for another process's upload of " + key, 0, null, e);
            }
        }
        claimed.add(key);
        try {
            Upload u;
            try {
                u = Uploads.record(key, bytes, upload.get(), clock.instant());
            } catch (RuntimeException | Error e) {
                try {
                    transaction(() -> {
                        try (PreparedStatement ps = conn.prepareStatement("DELETE FROM uploads WHERE provider = ? AND account = ?"
                                + " AND digest = ? AND owner = ? AND file_id IS NULL")) {
                            bindKey(ps, key);
                            ps.setString(4, owner);
                            ps.executeUpdate();
                        }
                        return null;
                    });
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            transaction(() -> {
                try (PreparedStatement ps = conn.prepareStatement("INSERT INTO uploads"
                        + " (provider, account, digest, file_id, bytes, created, expires, owner, deadline)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL) ON CONFLICT (provider, account, digest) DO UPDATE SET"
                        + " file_id = excluded.file_id, bytes = excluded.bytes, created = excluded.created,"
                        + " expires = excluded.expires, owner = NULL, deadline = NULL")) {
                    bindKey(ps, key);
                    ps.setString(4, u.fileId());
                    ps.setLong(5, u.bytes());
                    ps.setLong(6, u.created().toEpochMilli());
                    if (u.expires() == null) ps.setNull(7, java.sql.Types.INTEGER);
                    else ps.setLong(7, u.expires().toEpochMilli());
                    ps.executeUpdate();
                }
                return null;
            });
            known.put(key, u);
            return u;
        } finally {
            claimed.remove(key);
        }
    }

    /** Extends the deadline of this registry's claims still under way. */
    private void renewClaims() {
        if (closed || claimed.isEmpty()) return;
        try {
            transaction(() -> {
                try (PreparedStatement ps = conn.prepareStatement("UPDATE uploads SET deadline = ? WHERE provider = ?"
                        + " AND account = ? AND digest = ? AND owner = ? AND file_id IS NULL")) {
                    for (Upload.Key key : claimed) {
                        ps.setLong(1, clock.millis() + lease.toMillis());
                        ps.setString(2, key.provider());
                        ps.setString(3, key.account());
                        ps.setString(4, key.digest().hex());
                        ps.setString(5, owner);
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            // the next renewal tries again; at worst another process takes the claim over and uploads too
        }
    }

    @Override
    public void forget(Upload.Key key, String fileId) {
        Objects.requireNonNull(fileId, "fileId");
        known.computeIfPresent(key, (k, u) -> u.fileId().equals(fileId) ? null : u);
        transaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "DELETE FROM uploads WHERE provider = ? AND account = ? AND digest = ? AND file_id = ?")) {
                bindKey(ps, key);
                ps.setString(4, fileId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<Upload> list() {
        return locked(() -> {
            List<Upload> out = new ArrayList<>();
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT provider, account, digest,"
                    + " file_id, bytes, created, expires, owner, deadline FROM uploads WHERE file_id IS NOT NULL"
                    + " ORDER BY created, provider, account, digest")) {
                while (rs.next()) out.add(read(rs).upload);
            }
            return out;
        });
    }

    @Override
    public boolean remove(Upload.Key key) {
        known.remove(key);
        return transaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement(
                    "DELETE FROM uploads WHERE provider = ? AND account = ? AND digest = ?")) {
                bindKey(ps, key);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Duration expiryMargin() {
        return margin;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        renewal.cancel(false);
        lock.lock();
        try {
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SqliteUploadRegistry[" + file + "]";
    }

    // ---- internals ----

    /** A row: a finished upload, or a claim (upload null) with its owner and deadline. */
    private record Row(Upload upload, String owner, long deadline) {}

    private Row select(Upload.Key key) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT provider, account, digest, file_id, bytes, created,"
                + " expires, owner, deadline FROM uploads WHERE provider = ? AND account = ? AND digest = ?")) {
            bindKey(ps, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs) : null;
            }
        }
    }

    private static Row read(ResultSet rs) throws SQLException {
        String fileId = rs.getString(4);
        long expires = rs.getLong(7);
        boolean noExpiry = rs.wasNull();
        Upload u = fileId == null ? null : new Upload(rs.getString(1), rs.getString(2), Digest.ofHex(rs.getString(3)),
                fileId, rs.getLong(5), Instant.ofEpochMilli(rs.getLong(6)), noExpiry ? null : Instant.ofEpochMilli(expires));
        return new Row(u, rs.getString(8), rs.getLong(9));
    }

    private static void bindKey(PreparedStatement ps, Upload.Key key) throws SQLException {
        ps.setString(1, key.provider());
        ps.setString(2, key.account());
        ps.setString(3, key.digest().hex());
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    private <T> T locked(Work<T> work) {
        lock.lock();
        try {
            if (closed) throw new UploadRegistryException("the upload registry " + file + " is closed", null);
            return work.run();
        } catch (SQLException e) {
            throw failure("read", e);
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction. */
    private <T> T transaction(Work<T> work) {
        return locked(() -> {
            try (Statement st = conn.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                boolean ok = false;
                try {
                    T t = work.run();
                    st.execute("COMMIT");
                    ok = true;
                    return t;
                } finally {
                    if (!ok) {
                        try {
                            st.execute("ROLLBACK");
                        } catch (SQLException ignored) {
                            // the transaction is gone already
                        }
                    }
                }
            }
        });
    }

    private UploadRegistryException failure(String what, SQLException e) {
        return new UploadRegistryException("the upload registry " + file + " failed to " + what + ": " + e.getMessage(), e);
    }

    private void closeQuietly() {
        try {
            if (conn != null) conn.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    /** Configures a {@link SqliteUploadRegistry}; {@link #directory} or {@link #file} is required. */
    public static final class Builder {
        private Path file;
        private Duration busyTimeout = Duration.ofSeconds(10);
        private Duration lease = Duration.ofSeconds(30);
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration margin = DEFAULT_EXPIRY_MARGIN;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The cache directory; the registry lives in its {@value SqliteUploadRegistry#FILE_NAME}. */
        public Builder directory(Path dir) {
            this.file = Objects.requireNonNull(dir, "directory").resolve(FILE_NAME);
            return this;
        }

        /** The SQLite file itself. */
        public Builder file(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /** How long a writer waits for another process's write lock (default 10 s). */
        public Builder busyTimeout(Duration d) {
            this.busyTimeout = positive(d, "busyTimeout");
            return this;
        }

        /** How long a claim holds others off without being renewed (default 30 s; renewed every third of it). */
        public Builder lease(Duration d) {
            this.lease = positive(d, "lease");
            return this;
        }

        /** How often a caller waiting for another process's upload looks again (default 100 ms). */
        public Builder pollInterval(Duration d) {
            this.pollInterval = positive(d, "pollInterval");
            return this;
        }

        /** Uploads within this margin of their expiry are made again (default 1 hour). */
        public Builder expiryMargin(Duration d) {
            if (d == null || d.isNegative()) throw new IllegalArgumentException("expiryMargin must be zero or positive, not " + d);
            this.margin = d;
            return this;
        }

        /** The clock (tests). */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        public SqliteUploadRegistry build() {
            if (file == null) throw new IllegalStateException("SqliteUploadRegistry needs a directory (the cache directory) or a file");
            return new SqliteUploadRegistry(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, not " + d);
            return d;
        }
    }
}
