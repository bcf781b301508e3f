package dev.dspy4j.lm.upload;

import dev.dspy4j.media.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The SQL side of {@link SqliteUploadRegistry}: one connection to the SQLite file (WAL,
 * {@code synchronous=NORMAL}), the table {@code uploads}, and each change as one {@code BEGIN IMMEDIATE}
 * transaction. Thread-safe (one lock around the connection).
 */
final class UploadTable implements AutoCloseable {

    /** A row: a finished upload, or a claim (upload null) with its owner and deadline (epoch ms). */
    record Row(Upload upload, String owner, long deadline) {}

    private final Path file;
    private final Connection conn;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    UploadTable(Path file, Duration busyTimeout) {
        this.file = file;
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UploadRegistryException(
                    "cannot create the directory of the upload registry " + file + ": " + e, e);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
        try {
            this.conn = config.createConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw failure("open", e);
        }
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
            String mode;
            try (ResultSet rs = st.executeQuery("PRAGMA journal_mode = WAL")) {
                mode = rs.next() ? rs.getString(1) : "";
            }
            if (!"wal".equalsIgnoreCase(mode)) {
                throw new UploadRegistryException(
                        "the upload registry " + file + " could not be switched to WAL mode (it is in " + mode
                                + " mode); is the directory on a network file system?",
                        null);
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
    }

    Path file() {
        return file;
    }

    Row select(Upload.Key key) {
        return locked(() -> selectRow(key));
    }

    /**
     * In one transaction: the row if it holds an upload usable at {@code now} (with {@code margin}) or
     * another owner's claim before its deadline; else writes {@code owner}'s claim and returns null.
     */
    Row claim(Upload.Key key, long bytes, String owner, long now, long deadline, Duration margin) {
        return transaction(() -> {
            Row row = selectRow(key);
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
                ps.setLong(7, deadline);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Records a finished upload over whatever row its key has. */
    void record(Upload u) {
        transaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO uploads"
                    + " (provider, account, digest, file_id, bytes, created, expires, owner, deadline)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL) ON CONFLICT (provider, account, digest) DO UPDATE SET"
                    + " file_id = excluded.file_id, bytes = excluded.bytes, created = excluded.created,"
                    + " expires = excluded.expires, owner = NULL, deadline = NULL")) {
                bindKey(ps, u.key());
                ps.setString(4, u.fileId());
                ps.setLong(5, u.bytes());
                ps.setLong(6, u.created().toEpochMilli());
                if (u.expires() == null) ps.setNull(7, Types.INTEGER);
                else ps.setLong(7, u.expires().toEpochMilli());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Deletes {@code owner}'s claim on {@code key} (its upload failed). */
    void dropClaim(Upload.Key key, String owner) {
        transaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM uploads WHERE provider = ? AND account = ?"
                    + " AND digest = ? AND owner = ? AND file_id IS NULL")) {
                bindKey(ps, key);
                ps.setString(4, owner);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Moves the deadline of {@code owner}'s claims on {@code keys}. */
    void renew(Collection<Upload.Key> keys, String owner, long deadline) {
        transaction(() -> {
            try (PreparedStatement ps = conn.prepareStatement("UPDATE uploads SET deadline = ? WHERE provider = ?"
                    + " AND account = ? AND digest = ? AND owner = ? AND file_id IS NULL")) {
                for (Upload.Key key : keys) {
                    ps.setLong(1, deadline);
                    ps.setString(2, key.provider());
                    ps.setString(3, key.account());
                    ps.setString(4, key.digest().hex());
                    ps.setString(5, owner);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Deletes the row of {@code key} if it holds {@code fileId}. */
    void forget(Upload.Key key, String fileId) {
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

    /** Deletes the row of {@code key}; false if there was none. */
    boolean remove(Upload.Key key) {
        return transaction(() -> {
            try (PreparedStatement ps =
                    conn.prepareStatement("DELETE FROM uploads WHERE provider = ? AND account = ? AND digest = ?")) {
                bindKey(ps, key);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Every finished upload, oldest first. */
    List<Upload> list() {
        return locked(() -> {
            List<Upload> out = new ArrayList<>();
            try (Statement st = conn.createStatement();
                    ResultSet rs = st.executeQuery("SELECT provider, account, digest,"
                            + " file_id, bytes, created, expires, owner, deadline FROM uploads WHERE file_id IS NOT NULL"
                            + " ORDER BY created, provider, account, digest")) {
                while (rs.next()) out.add(read(rs).upload);
            }
            return out;
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    private Row selectRow(Upload.Key key) throws SQLException {
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
        Upload u = fileId == null
                ? null
                : new Upload(
                        rs.getString(1),
                        rs.getString(2),
                        Digest.ofHex(rs.getString(3)),
                        fileId,
                        rs.getLong(5),
                        Instant.ofEpochMilli(rs.getLong(6)),
                        noExpiry ? null : Instant.ofEpochMilli(expires));
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
        return new UploadRegistryException(
                "the upload registry " + file + " failed to " + what + ": " + e.getMessage(), e);
    }

    private void closeQuietly() {
        try {
            if (conn != null) conn.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}
