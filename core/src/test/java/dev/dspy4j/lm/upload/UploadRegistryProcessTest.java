package dev.dspy4j.lm.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.dspy4j.lm.TestMedia;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child JVMs share a {@link SqliteUploadRegistry}: two that need the same upload at once make one; one
 * killed with SIGKILL while recording uploads leaves only whole rows; its unfinished claim lapses.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a guard against a hung child, not a timing assertion
class UploadRegistryProcessTest {
    @TempDir
    Path dir;

    private final class Child implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final Path err;

        Child(String... args) throws IOException {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(
                    List.of(java, "-cp", System.getProperty("java.class.path"), UploadRegistryChild.class.getName()));
            cmd.addAll(List.of(args));
            err = Files.createTempFile(dir, "child", ".err");
            process = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String line() throws IOException {
            String l = out.readLine();
            if (l == null) {
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                fail("the child ended early: " + Files.readString(err));
            }
            return l;
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            out.close();
        }
    }

    @Test
    void twoProcessesNeedingTheSameUploadMakeOne() throws Exception {
        Path cache = dir.resolve("cache");
        Path png = TestMedia.pngFile(dir, "noise.png", 200_000, 7);
        Path go = dir.resolve("go");
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                        .uploadDelay(Duration.ofMillis(1500))
                        .start();
                Child a = new Child("ensure", cache.toString(), server.baseUrl(), png.toString(), go.toString());
                Child b = new Child("ensure", cache.toString(), server.baseUrl(), png.toString(), go.toString())) {
            assertThat(a.line()).isEqualTo("ready");
            assertThat(b.line()).isEqualTo("ready");
            Files.createFile(go);
            String idA = a.line();
            String idB = b.line();

            assertThat(idA).startsWith("id file-").isEqualTo(idB);
            assertThat(server.files().uploadCount()).isEqualTo(1);
            assertThat(server.files().uploadBytes()).isBetween(200_000L, 201_000L);
        }
        // the API key never reaches the registry's file (nor its WAL)
        try (Stream<Path> files = Files.list(cache)) {
            for (Path f : files.toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as(f.toString())
                        .doesNotContain("sk-child-secret-key-123");
            }
        }
    }

    @Test
    void aProcessKilledWhileRecordingUploadsLeavesOnlyWholeRowsAndItsClaimLapses() throws Exception {
        Path cache = dir.resolve("cache");
        long last;
        try (Child c = new Child("write", cache.toString(), "100000")) {
            last = -1;
            while (last < 40) {
                String l = c.line();
                if (l.startsWith("wrote ")) last = Long.parseLong(l.substring(6));
            }
            c.process.destroyForcibly(); // SIGKILL, mid-loop
            assertThat(c.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        NavigableMap<Long, String> rows = wholeRows(cache);
        for (long i = 0; i <= last; i++) assertThat(rows).containsEntry(i, "file-" + i);
        // written one after another: whatever the child got to before the kill is there, without a gap
        assertThat(rows.lastKey() + 1).isEqualTo(rows.size());

        // a claim whose owner was killed mid-upload holds others off for its lease (1 s), then lapses
        try (Child c = new Child("write", dir.resolve("cache2").toString(), "1")) {
            while (!c.line().equals("claimed")) {
                // the child records upload 0, then claims key(-1)
            }
            c.process.destroyForcibly();
            assertThat(c.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (SqliteUploadRegistry r = SqliteUploadRegistry.builder()
                .directory(dir.resolve("cache2"))
                .pollInterval(Duration.ofMillis(20))
                .build()) {
            assertThat(r.find(UploadRegistryChild.key(-1))).isNull();
            Upload u = r.ensure(
                    UploadRegistryChild.key(-1),
                    1,
                    () -> new RemoteFile("file-parent", null, -1, null, null, null, null));
            assertThat(u.fileId()).isEqualTo("file-parent");
            assertThat(r.find(UploadRegistryChild.key(0)).fileId()).isEqualTo("file-0");
        }
    }

    /** Every row read with plain JDBC after an integrity check: index -> file id, each row whole. */
    private static NavigableMap<Long, String> wholeRows(Path cache) throws Exception {
        TreeMap<Long, String> out = new TreeMap<>();
        try (Connection c =
                        DriverManager.getConnection("jdbc:sqlite:" + cache.resolve(SqliteUploadRegistry.FILE_NAME));
                Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA integrity_check")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ok");
            }
            java.util.Map<String, Long> index = new java.util.HashMap<>();
            for (long i = 0; i < 100_000; i++)
                index.put(UploadRegistryChild.key(i).digest().hex(), i);
            try (ResultSet rs =
                    st.executeQuery("SELECT provider, account, digest, file_id, bytes, created, owner FROM uploads")) {
                while (rs.next()) {
                    Long i = index.get(rs.getString(3));
                    assertThat(i).as("digest %s", rs.getString(3)).isNotNull();
                    assertThat(rs.getString(1)).isEqualTo("openai");
                    assertThat(rs.getString(2)).isEqualTo(UploadRegistryChild.ACCOUNT);
                    if (rs.getString(4) == null) {
                        assertThat(rs.getString(7))
                                .as("a row without an id is a claim")
                                .isNotNull();
                        continue;
                    }
                    assertThat(rs.getString(4)).isEqualTo("file-" + i);
                    assertThat(rs.getLong(5)).isEqualTo(1000 + i);
                    assertThat(rs.getLong(6)).isPositive();
                    out.put(i, rs.getString(4));
                }
            }
        }
        return out;
    }
}
