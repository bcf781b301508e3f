package dev.dspy4j.cache;

import dev.dspy4j.cache.SqliteFile.Session;
import dev.dspy4j.media.Digest;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DiskCache}'s tables and the SQL on them: {@code entries} (key, encoded response, size,
 * created and last-access times) and the one-row {@code totals} (entry count and total size, kept in
 * the same transaction as every change), their schema version in {@code PRAGMA user_version}, and
 * least-recently-used eviction. Every method runs on a {@link Session} the caller holds; those that
 * change rows expect to be inside its write transaction.
 */
final class ResponseTable {
    /** The schema version, kept in SQLite's {@code user_version}. */
    static final int SCHEMA_VERSION = 1;
    /** How many eviction candidates one query reads. */
    private static final int EVICT_BATCH = 256;

    private static final String GET = "SELECT value, accessed FROM entries WHERE key = ?";
    private static final String SIZE = "SELECT size FROM entries WHERE key = ?";
    private static final String UPSERT = "INSERT INTO entries(key, value, size, created, accessed)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
            + " value = excluded.value, size = excluded.size, accessed = excluded.accessed";
    private static final String TOUCH = "UPDATE entries SET accessed = ? WHERE key = ? AND accessed < ?";
    private static final String ADD_TOTALS = "UPDATE totals SET entries = entries + ?, bytes = bytes + ? WHERE id = 0";
    private static final String DELETE = "DELETE FROM entries WHERE key = ?";
    private static final String OLDEST = "SELECT key, size FROM entries WHERE key <> ? ORDER BY accessed ASC LIMIT ?";

    /** {@link DiskCache}'s logger: what this class logs is the disk cache's doing. */
    private static final Logger log = LoggerFactory.getLogger(DiskCache.class);

    private ResponseTable() {}

    /** A stored row: the encoded response and its last-access time (epoch ms). */
    @SuppressWarnings(
            "ArrayRecordComponent") // the encoded response as read from SQLite, passed on without a copy; never
    // compared
    record Row(byte[] value, long accessed) {}

    /** Creates the tables in a new file; refuses a file written with a newer schema. Returns null. */
    static Void initSchema(Session s, Path file) throws SQLException {
        try (Statement st = s.connection().createStatement()) {
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
                if (!ok) SqliteFile.rollbackQuietly(st);
            }
        }
        return null;
    }

    /**
     * Stores an entry (a replaced entry keeps its created time), counts it in the totals and evicts
     * if the total went over {@code maxBytes}; inside the caller's write transaction.
     *
     * @return {entries, bytes} evicted
     */
    static long[] put(Session s, byte[] key, byte[] value, long size, long now, long maxBytes) throws SQLException {
        long oldSize = size(s, key);
        upsert(s, key, value, size, now);
        addTotals(s, oldSize < 0 ? 1 : 0, size - Math.max(oldSize, 0));
        return evictIfOver(s, key, maxBytes);
    }

    /** Deletes one entry and takes it off the totals, inside the caller's write transaction; true if it was there. */
    static boolean remove(Session s, byte[] key) throws SQLException {
        long oldSize = size(s, key);
        if (oldSize < 0) return false;
        delete(s, key);
        addTotals(s, -1, -oldSize);
        return true;
    }

    /**
     * Deletes every entry in one write transaction, then compacts {@code file} unless another connection
     * is reading (then the entries are gone and the file just stays larger).
     *
     * @return how many entries were deleted
     */
    static long clear(Session s, Path file) throws SQLException {
        long deleted = s.inTransaction("write", ResponseTable::deleteAll);
        try (Statement st = s.connection().createStatement()) {
            st.execute("VACUUM");
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            log.debug("disk cache {}: compaction after clear skipped: {}", file, e.getMessage());
        }
        return deleted;
    }

    /** The row for {@code key}, or null. */
    static Row get(Session s, byte[] key) throws SQLException {
        PreparedStatement ps = s.prepare(GET);
        ps.setBytes(1, key);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Row(rs.getBytes(1), rs.getLong(2)) : null;
        }
    }

    /** The recorded size of the entry for {@code key}, or -1 if there is none. */
    static long size(Session s, byte[] key) throws SQLException {
        PreparedStatement sel = s.prepare(SIZE);
        sel.setBytes(1, key);
        try (ResultSet rs = sel.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** Inserts or replaces an entry (a replaced entry keeps its created time). */
    static void upsert(Session s, byte[] key, byte[] value, long size, long now) throws SQLException {
        PreparedStatement up = s.prepare(UPSERT);
        up.setBytes(1, key);
        up.setBytes(2, value);
        up.setLong(3, size);
        up.setLong(4, now);
        up.setLong(5, now);
        up.executeUpdate();
    }

    /** Queues, in a batch, "set the access time of {@code key} to {@code time} unless it is newer". */
    static PreparedStatement addTouch(Session s, byte[] key, long time) throws SQLException {
        PreparedStatement ps = s.prepare(TOUCH);
        ps.setLong(1, time);
        ps.setBytes(2, key);
        ps.setLong(3, time);
        ps.addBatch();
        return ps;
    }

    static void addTotals(Session s, long entries, long bytes) throws SQLException {
        PreparedStatement ps = s.prepare(ADD_TOTALS);
        ps.setLong(1, entries);
        ps.setLong(2, bytes);
        ps.executeUpdate();
    }

    static void delete(Session s, byte[] key) throws SQLException {
        PreparedStatement ps = s.prepare(DELETE);
        ps.setBytes(1, key);
        ps.executeUpdate();
    }

    /** The totals row as {entries, bytes}, or null if it is missing. */
    static long[] totals(Session s) throws SQLException {
        try (Statement st = s.connection().createStatement();
                ResultSet rs = st.executeQuery("SELECT entries, bytes FROM totals WHERE id = 0")) {
            return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : null;
        }
    }

    /** Deletes every entry and zeroes the totals; returns how many entries were deleted. */
    static long deleteAll(Session s) throws SQLException {
        try (Statement st = s.connection().createStatement()) {
            long deleted = st.executeUpdate("DELETE FROM entries");
            st.executeUpdate("UPDATE totals SET entries = 0, bytes = 0 WHERE id = 0");
            return deleted;
        }
    }

    /**
     * Deletes least recently used entries, never {@code keep}, until the total is at most 90 % of
     * {@code maxBytes}, if it is over {@code maxBytes}; returns {entries, bytes} freed.
     */
    static long[] evictIfOver(Session s, byte[] keep, long maxBytes) throws SQLException {
        long total;
        try (Statement st = s.connection().createStatement();
                ResultSet rs = st.executeQuery("SELECT bytes FROM totals WHERE id = 0")) {
            total = rs.next() ? rs.getLong(1) : 0;
        }
        if (total <= maxBytes) return new long[] {0, 0};
        long target = maxBytes - maxBytes / 10;
        long freedEntries = 0;
        long freedBytes = 0;
        while (total - freedBytes > target) {
            List<byte[]> keys = new ArrayList<>();
            List<Long> sizes = new ArrayList<>();
            PreparedStatement oldest = s.prepare(OLDEST);
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
                delete(s, keys.get(i));
                freedEntries++;
                freedBytes += sizes.get(i);
            }
        }
        addTotals(s, -freedEntries, -freedBytes);
        return new long[] {freedEntries, freedBytes};
    }

    /**
     * Checks the file and every entry (SQLite's integrity check, 32-byte keys, values that decode and
     * have their recorded size, totals that match) in one read transaction; changes nothing.
     */
    static VerifyReport verify(Session s) throws SQLException {
        List<String> problems = new ArrayList<>();
        long checked = 0;
        long count = 0;
        long bytes = 0;
        try (Statement st = s.connection().createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (!"ok".equals(line)) problems.add("integrity check: " + line);
                }
            }
            // one read transaction, so the totals and the rows are one snapshot
            st.execute("BEGIN");
            try {
                long[] totals = totals(s);
                if (totals == null) problems.add("the totals row is missing");
                try (ResultSet rs = st.executeQuery("SELECT key, value, size FROM entries")) {
                    HexFormat hex = HexFormat.of();
                    while (rs.next()) {
                        byte[] k = rs.getBytes(1);
                        byte[] v = rs.getBytes(2);
                        long size = rs.getLong(3);
                        count++;
                        bytes += size;
                        String name = k == null ? "(null key)" : hex.formatHex(k);
                        if (k == null || k.length != Digest.LENGTH) {
                            problems.add(
                                    "entry " + name + ": the key has " + (k == null ? 0 : k.length) + " bytes, not 32");
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
                if (totals != null && (totals[0] != count || totals[1] != bytes)) {
                    problems.add("totals say " + totals[0] + " entries and " + totals[1] + " bytes, but the table has "
                            + count + " entries and " + bytes + " bytes");
                }
            } finally {
                st.execute("COMMIT");
            }
        }
        return new VerifyReport(checked, problems);
    }
}
