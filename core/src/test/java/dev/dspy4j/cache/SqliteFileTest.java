package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sibling table shares DiskCache's file through SqliteFile without disturbing the response cache. */
class SqliteFileTest {
    @TempDir
    Path dir;

    private static final List<String> UPLOADS_V1 =
            List.of("CREATE TABLE uploads (digest BLOB PRIMARY KEY NOT NULL, file_id TEXT NOT NULL)");

    private SqliteFile sibling() {
        return SqliteFile.open(dir, DiskCache.FILE_NAME, Duration.ofSeconds(5), 2, true);
    }

    @Test
    void aSiblingTableLivesBesideTheResponseCache() {
        try (DiskCache disk = DiskCache.open(dir);
                SqliteFile file = sibling()) {
            disk.put(CacheFixtures.key("a"), CacheFixtures.response("A"));
            file.ensureSchema("uploads", 1, UPLOADS_V1);
            file.write("record an upload", s -> {
                PreparedStatement ps = s.prepare("INSERT INTO uploads(digest, file_id) VALUES (?, ?)");
                ps.setBytes(1, new byte[] {1, 2});
                ps.setString(2, "file-1");
                return ps.executeUpdate();
            });
            String id = file.read("find an upload", s -> {
                try (Statement st = s.connection().createStatement();
                        ResultSet rs = st.executeQuery("SELECT file_id FROM uploads")) {
                    return rs.next() ? rs.getString(1) : null;
                }
            });
            assertThat(id).isEqualTo("file-1");
            assertThat(disk.get(CacheFixtures.key("a")).first().text()).isEqualTo("A");
            assertThat(disk.verify().problems()).isEmpty();
            assertThat(disk.stats().entries()).isEqualTo(1);
            int userVersion = file.read("read the version", s -> {
                try (Statement st = s.connection().createStatement();
                        ResultSet rs = st.executeQuery("PRAGMA user_version")) {
                    return rs.next() ? rs.getInt(1) : -1;
                }
            });
            assertThat(userVersion)
                    .as("user_version stays the response tables'")
                    .isEqualTo(DiskCache.SCHEMA_VERSION);
        }
        try (DiskCache again = DiskCache.open(dir)) {
            assertThat(again.get(CacheFixtures.key("a"))).isNotNull();
        }
    }

    @Test
    void ensureSchemaRunsOncePerVersionAndRefusesANewerFile() {
        try (SqliteFile file = sibling()) {
            file.ensureSchema("uploads", 1, UPLOADS_V1);
            file.ensureSchema("uploads", 1, UPLOADS_V1); // a second CREATE TABLE would fail
            file.ensureSchema("uploads", 2, List.of("ALTER TABLE uploads ADD COLUMN bytes INTEGER"));
            assertThatThrownBy(() -> file.ensureSchema("uploads", 1, UPLOADS_V1))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("version 2 of the uploads tables")
                    .hasMessageContaining(file.file().toString());
        }
    }

    @Test
    void aFailedWriteRollsBackAndNamesTheFile() {
        try (SqliteFile file = sibling()) {
            file.ensureSchema("uploads", 1, UPLOADS_V1);
            assertThatThrownBy(() -> file.write("record an upload", s -> {
                        s.prepare("INSERT INTO uploads(digest, file_id) VALUES (x'01', 'kept?')")
                                .executeUpdate();
                        return s.prepare("INSERT INTO nowhere VALUES (1)").executeUpdate();
                    }))
                    .isInstanceOf(CacheException.class)
                    .hasMessageContaining("disk cache " + file.file() + ": record an upload failed");
            long rows = file.read("count", s -> {
                try (Statement st = s.connection().createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*) FROM uploads")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(rows).isZero();
        }
        SqliteFile closed = sibling();
        closed.close();
        assertThatThrownBy(() -> closed.read("read", s -> 1)).hasMessageContaining("is closed");
    }
}
