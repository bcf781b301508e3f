package dev.dspy4j.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite file inside a directory, opened for use by many threads and processes at once: the part
 * of {@link DiskCache} that knows nothing of responses, so that another table (a sibling store in the
 * same file, such as a registry of provider uploads) can share the file and its rules.
 *
 * <ul>
 *   <li>Every connection runs in WAL mode with {@code synchronous=NORMAL} and a busy timeout, so a
 *       process killed at any moment leaves each committed transaction whole and readers never block
 *       writers.</li>
 *   <li>A pool of at most {@code poolSize} connections serves all threads of this process; each
 *       connection keeps its prepared statements ({@link Session#prepare}).</li>
 *   <li>{@link #write} runs one {@code BEGIN IMMEDIATE} transaction; writers of this process take turns
 *       on a lock first, so SQLite's busy wait (which sleeps) only arbitrates between processes.</li>
 *   <li>An {@link SQLException} becomes a {@link CacheException} naming the file: a
 *       {@link CacheCorruptedException} when SQLite finds the file damaged, a
 *       {@link CacheNotWritableException} when it cannot write it.</li>
 * </ul>
 *
 * <p>Several {@code SqliteFile}s (in one process or many) may open the same path; each table's owner
 * creates its own tables. {@code PRAGMA user_version} belongs to {@link DiskCache}'s tables; a sibling
 * table records its version with {@link #ensureSchema} ({@link SchemaVersions}). The errors and the
 * checks at open are {@link SqliteErrors}; this class is the pool and the transactions.
 */
final class SqliteFile implements AutoCloseable {
    private final Path directory;
    private final Path file;
    private final long busyTimeoutMillis;
    private final int poolSize;
    private final BlockingQueue<Session> idle;
    private final List<Session> all = new ArrayList<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final SqliteErrors errors;
    private volatile boolean closed;

    private SqliteFile(Path directory, String fileName, Duration busyTimeout, int poolSize) {
        this.directory = Objects.requireNonNull(directory, "directory (the cache directory was not set)")
                .toAbsolutePath();
        this.file = this.directory.resolve(fileName);
        this.busyTimeoutMillis = busyTimeout.toMillis();
        if (poolSize < 1) throw new IllegalArgumentException("poolSize must be at least 1, not " + poolSize);
        this.poolSize = poolSize;
        this.idle = new ArrayBlockingQueue<>(poolSize);
        this.errors = new SqliteErrors(this.directory, file);
    }

    /**
     * Opens (creating if needed) {@code fileName} in {@code directory}: creates the directory, checks
     * that it and the file can be written, opens one connection and, if {@code quickCheck}, runs
     * SQLite's {@code quick_check} over the file (every page read once).
     *
     * @param directory   the directory, created if missing
     * @param fileName    the file's name inside {@code directory}
     * @param busyTimeout how long a writer waits for another process's lock (and a thread for a pooled
     *                    connection, plus one second) before failing
     * @param poolSize    the most connections this process opens on the file, at least 1
     * @param quickCheck  whether to run {@code quick_check} (reads the whole file once)
     * @return the open file, with one idle connection
     * @throws CacheNotWritableException if the directory or the file cannot be written
     * @throws CacheCorruptedException    if the file is damaged
     * @throws CacheException             if the directory cannot be created or the file cannot be opened
     */
    static SqliteFile open(Path directory, String fileName, Duration busyTimeout, int poolSize, boolean quickCheck) {
        SqliteFile f = new SqliteFile(directory, fileName, busyTimeout, poolSize);
        try {
            Files.createDirectories(f.directory);
        } catch (IOException e) {
            throw new CacheException("cannot create the cache directory " + f.directory + ": " + e, e);
        }
        f.errors.checkWritable();
        Session first = f.newSession();
        try {
            if (quickCheck) f.errors.quickCheck(first.connection);
        } catch (SQLException e) {
            f.close();
            throw f.failure("open", e);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        f.idle.add(first);
        return f;
    }

    /** {@return the directory holding the file, absolute} */
    Path directory() {
        return directory;
    }

    /** {@return the SQLite file, absolute} */
    Path file() {
        return file;
    }

    /** {@return true once {@link #close()} was called} */
    boolean isClosed() {
        return closed;
    }

    /**
     * Work on one connection; an {@link SQLException} it throws becomes a {@link CacheException}.
     *
     * @param <T> the result
     */
    @FunctionalInterface
    interface Work<T> {
        /**
         * Runs on {@code session}, which this thread holds alone until the work returns.
         *
         * @param session the connection
         * @return the result, may be null
         * @throws SQLException if a statement fails
         */
        T run(Session session) throws SQLException;
    }

    /**
     * Runs {@code work} on a pooled connection outside any transaction this class opens (each statement
     * is its own read transaction unless the work begins one).
     *
     * @param <T>  the result
     * @param what names the operation in the error, as in "disk cache FILE: WHAT failed: ..."
     * @param work the work
     * @return what {@code work} returned
     * @throws CacheException if the file is closed, no connection frees up in time, or SQLite fails
     */
    <T> T read(String what, Work<T> work) {
        Session s = borrow();
        try {
            return work.run(s);
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            release(s);
        }
    }

    /**
     * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction on a pooled connection; see
     * {@link Session#inTransaction}.
     *
     * @param <T>  the result
     * @param what names the operation in the error
     * @param work the work; its changes are committed if it returns, rolled back if it throws
     * @return what {@code work} returned
     * @throws CacheException as {@link #read}, or if another process holds the write lock longer than
     *                        the busy timeout
     */
    <T> T write(String what, Work<T> work) {
        Session s = borrow();
        try {
            return s.inTransaction(what, work);
        } finally {
            release(s);
        }
    }

    /**
     * Creates or upgrades a sibling table group: see {@link SchemaVersions#ensure}.
     *
     * @param name    the group's name in {@code schema_versions}
     * @param version the version this code writes, at least 1
     * @param ddl     the statements that bring the tables from any older version to {@code version}
     * @throws CacheException if the recorded version is newer than {@code version} (the file was written
     *                        by a newer dspy4j), or SQLite fails
     */
    void ensureSchema(String name, int version, List<String> ddl) {
        SchemaVersions.ensure(this, name, version, ddl);
    }

    /** Closes every connection; operations after this fail with "is closed". Idempotent. */
    @Override
    public void close() {
        synchronized (all) {
            closed = true;
            for (Session s : all) s.closeQuietly();
            all.clear();
        }
        idle.clear();
    }

    /**
     * The {@link CacheException} for a failed SQLite operation; see {@link SqliteErrors#failure}.
     *
     * @param what names the operation
     * @param e    SQLite's error
     * @return the exception to throw, naming this file
     */
    CacheException failure(String what, SQLException e) {
        return errors.failure(what, e);
    }

    @Override
    public String toString() {
        return "SqliteFile[" + file + "]";
    }

    /** A pooled connection with its prepared statements; used by one thread at a time. */
    final class Session {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        private Session(Connection connection) {
            this.connection = connection;
        }

        /** {@return the JDBC connection (for statements that are not worth preparing)} */
        Connection connection() {
            return connection;
        }

        /**
         * The prepared statement for {@code sql}, prepared once per connection and kept open with it.
         *
         * @param sql the statement, with {@code ?} parameters
         * @return the statement; set its parameters before each use
         * @throws SQLException if SQLite refuses the statement
         */
        PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                statements.put(sql, ps);
            }
            return ps;
        }

        /**
         * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction on this connection, committed if it
         * returns and rolled back if it throws. Writers of this process take turns on a lock first.
         *
         * @param <T>  the result
         * @param what names the operation in the error
         * @param work the work
         * @return what {@code work} returned
         * @throws CacheException if SQLite fails (the transaction is rolled back)
         */
        <T> T inTransaction(String what, Work<T> work) {
            writeLock.lock();
            try (Statement st = connection.createStatement()) {
                st.execute("BEGIN IMMEDIATE");
                boolean ok = false;
                try {
                    T result = work.run(this);
                    st.execute("COMMIT");
                    ok = true;
                    return result;
                } finally {
                    if (!ok) rollbackQuietly(st);
                }
            } catch (SQLException e) {
                throw failure(what, e);
            } finally {
                writeLock.unlock();
            }
        }

        private void closeQuietly() {
            SqliteFile.closeQuietly(connection);
        }
    }

    // ---- the pool ----

    private Session newSession() {
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
        Session s = new Session(conn);
        synchronized (all) {
            if (closed) {
                s.closeQuietly();
                throw errors.closed();
            }
            all.add(s);
        }
        return s;
    }

    private Session borrow() {
        if (closed) throw errors.closed();
        Session s = idle.poll();
        if (s != null) return s;
        synchronized (all) {
            if (all.size() < poolSize) {
                return newSession();
            }
        }
        try {
            s = idle.poll(busyTimeoutMillis + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CacheException("disk cache " + file + ": interrupted while waiting for a connection", e);
        }
        if (s == null) {
            throw new CacheException("disk cache " + file + ": all " + poolSize + " connections stayed busy for "
                    + (busyTimeoutMillis + 1000) + " ms");
        }
        return s;
    }

    private void release(Session s) {
        if (closed) {
            s.closeQuietly();
        } else if (!idle.offer(s)) {
            s.closeQuietly();
        }
    }

    /** Rolls back the transaction open on {@code st}'s connection, if any; never throws. */
    static void rollbackQuietly(Statement st) {
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
}
