package dev.dspy4j.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What can go wrong with one {@link SqliteFile}, as the {@link CacheException} that names the file and
 * says what to do: an {@link SQLException} mapped by SQLite's primary result code (a damaged file, a
 * read-only one, anything else), and the two checks run at open so that an unusable cache is reported
 * there rather than as a trickle of failures (a directory or file that cannot be written; SQLite's
 * {@code quick_check}).
 */
final class SqliteErrors {
    /** SQLite's primary result codes (the low byte of {@link SQLException#getErrorCode()}). */
    private static final int SQLITE_READONLY = 8;

    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_NOTADB = 26;

    private final Path directory;
    private final Path file;

    SqliteErrors(Path directory, Path file) {
        this.directory = directory;
        this.file = file;
    }

    /**
     * {@code e} as a {@link CacheException} whose message reads "disk cache FILE: WHAT failed: ...":
     * a {@link CacheCorruptedException} for a damaged file or one that is not a database, a
     * {@link CacheNotWritableException} for a read-only one, else a plain {@link CacheException}.
     */
    CacheException failure(String what, SQLException e) {
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

    /** The error for an operation on a closed file. */
    CacheException closed() {
        return new CacheException("disk cache " + file + " is closed");
    }

    /** {@code problem} and what to do about a damaged file (it holds only cached responses: delete it). */
    CacheCorruptedException corrupted(String problem, Throwable cause) {
        return new CacheCorruptedException(
                file,
                problem + ". The cache file is damaged. It holds only cached "
                        + "responses: delete " + file
                        + " (with its -wal and -shm files) or use another cache directory; "
                        + "the responses will be requested again",
                cause);
    }

    /**
     * Runs SQLite's {@code quick_check} (every page read once, at most 5 findings).
     *
     * @throws CacheCorruptedException listing the findings, if there are any
     * @throws SQLException            if the check itself fails
     */
    void quickCheck(Connection conn) throws SQLException {
        List<String> findings = new ArrayList<>();
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("PRAGMA quick_check(5)")) {
            while (rs.next()) {
                String line = rs.getString(1);
                if (!"ok".equals(line)) findings.add(line);
            }
        }
        if (!findings.isEmpty()) {
            throw corrupted("disk cache " + file + ": SQLite's quick check found " + String.join("; ", findings), null);
        }
    }

    /**
     * Creates and deletes a file in the directory, and checks that an existing file can be written.
     *
     * @throws CacheNotWritableException naming the directory or the file, if either cannot be written
     */
    void checkWritable() {
        try {
            Path probe = Files.createTempFile(directory, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new CacheNotWritableException(
                    directory,
                    "the cache directory " + directory + " is not writable (" + e
                            + "); choose a writable directory or run without the cache",
                    e);
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new CacheNotWritableException(
                    file,
                    "the cache file " + file
                            + " is read-only; make it writable, choose another directory or run without the cache",
                    null);
        }
    }
}
