package dev.dspy4j.cache;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The versions of sibling tables in a {@link SqliteFile}, one row per table group in
 * {@code schema_versions(name, version)}. SQLite's own {@code PRAGMA user_version} is a single
 * number, kept by {@link DiskCache}'s response tables; a table that shares the file (such as a
 * registry of provider uploads) records its version here instead.
 */
final class SchemaVersions {
    private SchemaVersions() {}

    /**
     * Creates or upgrades the tables named {@code name}: in one write transaction, runs {@code ddl}
     * when the recorded version is lower than {@code version} (none recorded counts as 0), then
     * records {@code version}. A recorded version equal to {@code version} changes nothing.
     *
     * @throws CacheException if the recorded version is newer than {@code version} (the file was
     *                        written by a newer dspy4j), or SQLite fails
     */
    static void ensure(SqliteFile sqlite, String name, int version, List<String> ddl) {
        sqlite.write("create the " + name + " tables", s -> {
            try (Statement st = s.connection().createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS schema_versions ("
                        + " name TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL)");
            }
            int found = recorded(s, name);
            if (found > version) {
                throw new CacheException("the cache file " + sqlite.file() + " has version " + found + " of the "
                        + name + " tables, written by a newer dspy4j (this one reads version " + version
                        + "); use another cache directory");
            }
            if (found < version) {
                try (Statement st = s.connection().createStatement()) {
                    for (String sql : ddl) st.execute(sql);
                }
                PreparedStatement up = s.prepare("INSERT INTO schema_versions(name, version) VALUES (?, ?)"
                        + " ON CONFLICT(name) DO UPDATE SET version = excluded.version");
                up.setString(1, name);
                up.setInt(2, version);
                up.executeUpdate();
            }
            return null;
        });
    }

    /** The version recorded for {@code name}, or 0. */
    private static int recorded(SqliteFile.Session s, String name) throws SQLException {
        PreparedStatement sel = s.prepare("SELECT version FROM schema_versions WHERE name = ?");
        sel.setString(1, name);
        try (ResultSet rs = sel.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
