package dev.dspy4j.lm.upload;

import dev.dspy4j.lm.LmException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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

    private final UploadTable table;
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
        this.lease = b.lease;
        this.pollInterval = b.pollInterval;
        this.margin = b.margin;
        this.clock = b.clock;
        this.table = new UploadTable(b.file.toAbsolutePath(), b.busyTimeout);
        long every = Math.max(1, lease.toMillis() / 3);
        this.renewal = LEASES.scheduleWithFixedDelay(this::renewClaims, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * {@return the registry in {@code cacheDirectory}'s {@value #FILE_NAME}, with the default settings}
     *
     * @param cacheDirectory the disk cache's directory
     * @throws UploadRegistryException if the file cannot be opened or its table created
     */
    public static SqliteUploadRegistry open(Path cacheDirectory) {
        return builder().directory(cacheDirectory).build();
    }

    /** {@return a builder; {@link Builder#directory} or {@link Builder#file} is required} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the SQLite file} */
    public Path file() {
        return table.file();
    }

    @Override
    public Upload find(Upload.Key key) {
        Objects.requireNonNull(key, "key");
        Instant now = clock.instant();
        Upload u = known.get(key);
        if (u != null && u.usableAt(now, margin)) return u;
        UploadTable.Row row = table.select(key);
        if (row == null || row.upload() == null || !row.upload().usableAt(now, margin)) return null;
        known.put(key, row.upload());
        return row.upload();
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
            long now = clock.millis();
            UploadTable.Row decided = table.claim(key, bytes, owner, now, now + lease.toMillis(), margin);
            if (decided == null) break;
            if (decided.upload() != null) {
                known.put(key, decided.upload());
                return decided.upload();
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
                    table.dropClaim(key, owner);
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                throw e;
            }
            table.record(u);
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
            table.renew(List.copyOf(claimed), owner, clock.millis() + lease.toMillis());
        } catch (RuntimeException e) {
            // the next renewal tries again; at worst another process takes the claim over and uploads too
        }
    }

    @Override
    public void forget(Upload.Key key, String fileId) {
        Objects.requireNonNull(fileId, "fileId");
        known.computeIfPresent(key, (k, u) -> u.fileId().equals(fileId) ? null : u);
        table.forget(key, fileId);
    }

    @Override
    public List<Upload> list() {
        return table.list();
    }

    @Override
    public boolean remove(Upload.Key key) {
        known.remove(key);
        return table.remove(key);
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
        table.close();
    }

    @Override
    public String toString() {
        return "SqliteUploadRegistry[" + table.file() + "]";
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

        /**
         * Sets the cache directory; the registry lives in its {@value SqliteUploadRegistry#FILE_NAME}.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder directory(Path dir) {
            this.file = Objects.requireNonNull(dir, "directory").resolve(FILE_NAME);
            return this;
        }

        /**
         * Sets the SQLite file itself (instead of a directory).
         *
         * @param file the file
         * @return this builder
         */
        public Builder file(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * Sets how long a writer waits for another process's write lock (default 10 s).
         *
         * @param d a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is null, zero or negative
         */
        public Builder busyTimeout(Duration d) {
            this.busyTimeout = positive(d, "busyTimeout");
            return this;
        }

        /**
         * Sets how long a claim holds others off without being renewed (default 30 s; renewed every
         * third of it, so a crashed process's claim lapses after at most this long).
         *
         * @param d a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is null, zero or negative
         */
        public Builder lease(Duration d) {
            this.lease = positive(d, "lease");
            return this;
        }

        /**
         * Sets how often a caller waiting for another process's upload looks again (default 100 ms).
         *
         * @param d a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is null, zero or negative
         */
        public Builder pollInterval(Duration d) {
            this.pollInterval = positive(d, "pollInterval");
            return this;
        }

        /**
         * Sets how long before its expiry an upload is made again instead of used (default 1 hour).
         *
         * @param d zero or a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code d} is null or negative
         */
        public Builder expiryMargin(Duration d) {
            if (d == null || d.isNegative())
                throw new IllegalArgumentException("expiryMargin must be zero or positive, not " + d);
            this.margin = d;
            return this;
        }

        /**
         * Sets the clock "now" is read from (tests).
         *
         * @param c the clock
         * @return this builder
         */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /**
         * {@return the registry, its file opened and its table created if missing}
         *
         * @throws IllegalStateException if neither a directory nor a file was set
         * @throws UploadRegistryException if the file cannot be opened
         */
        public SqliteUploadRegistry build() {
            if (file == null)
                throw new IllegalStateException(
                        "SqliteUploadRegistry needs a directory (the cache directory) or a file");
            return new SqliteUploadRegistry(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero())
                throw new IllegalArgumentException(name + " must be positive, not " + d);
            return d;
        }
    }
}
