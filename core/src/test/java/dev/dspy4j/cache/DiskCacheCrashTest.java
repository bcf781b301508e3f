package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.dspy4j.lm.LmResponse;
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
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child JVMs write to a disk cache: one is killed with SIGKILL while writing, two write the same
 * directory at once. Whatever happens, every entry is whole, readable, and nothing committed is lost.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a guard against a hung child, not a timing assertion
class DiskCacheCrashTest {

    @TempDir
    Path dir;

    /** A running child JVM with its stdout readable line by line. */
    private final class Child implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final Path err;

        Child(String prefix, long count, long maxBytes, Path go) throws IOException {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    CacheWriterMain.class.getName(),
                    dir.toString(),
                    prefix,
                    Long.toString(count),
                    Long.toString(maxBytes)));
            if (go != null) cmd.add(go.toString());
            err = Files.createTempFile(dir.getParent(), "child-" + prefix, ".err");
            process = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** The next line; fails with the child's stderr if it ended. */
        String line() throws IOException {
            String l = out.readLine();
            if (l == null) fail("the child ended early (exit " + exitCode() + "): " + Files.readString(err));
            return l;
        }

        /** Reads until "wrote i" with i >= n; returns i. */
        long awaitWritten(long n) throws IOException {
            while (true) {
                String l = line();
                if (l.startsWith("wrote ")) {
                    long i = Long.parseLong(l.substring(6));
                    if (i >= n) return i;
                }
            }
        }

        /** Reads to the end; returns the last index written. */
        long finish() throws Exception {
            long last = -1;
            String l;
            while ((l = out.readLine()) != null) {
                if (l.startsWith("wrote ")) last = Long.parseLong(l.substring(6));
            }
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("child exits").isTrue();
            assertThat(process.exitValue())
                    .as("child exit code; stderr: %s", Files.readString(err))
                    .isZero();
            return last;
        }

        private String exitCode() {
            try {
                return process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            out.close();
        }
    }

    /**
     * Reads every row with plain JDBC, checks that it decodes to exactly what the child wrote for
     * its index, and returns the indexes present for {@code prefix}.
     */
    private NavigableSet<Long> wholeEntries(String prefix) throws Exception {
        NavigableSet<Long> present = new TreeSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(DiskCache.FILE_NAME));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT key, value FROM entries")) {
            while (rs.next()) {
                LmResponse r = ResponseCodec.decode(rs.getBytes(2));
                String text = r.first().text();
                if (!text.startsWith("entry ")) continue; // written by the test itself after reopening
                String name = text.substring(6, text.indexOf('\n'));
                if (!name.startsWith(prefix)) continue;
                long i = Long.parseLong(name.substring(prefix.length()));
                assertThat(r).isEqualTo(CacheWriterMain.expected(prefix, i));
                assertThat(rs.getBytes(1))
                        .isEqualTo(CacheFixtures.key(prefix + i).bytes());
                present.add(i);
            }
        }
        return present;
    }

    /** Three rounds: a child writes 16 KB entries in a loop and is killed with SIGKILL mid-stream. */
    @Test
    void aWriterKilledWithSigkillLeavesOnlyWholeEntriesAndLosesNoCommittedOne() throws Exception {
        long limit = 1L << 30;
        for (int round = 0; round < 3; round++) {
            String prefix = "r" + round + "-";
            long confirmed;
            try (Child child = new Child(prefix, Long.MAX_VALUE, limit, null)) {
                confirmed = child.awaitWritten(30 + 20L * round);
                child.process.destroyForcibly(); // SIGKILL on Linux
                assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(child.process.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
            }
            try (DiskCache reopened = DiskCache.open(dir)) {
                VerifyReport v = reopened.verify();
                assertThat(v.problems()).as("round %d", round).isEmpty();
                NavigableSet<Long> present = wholeEntries(prefix);
                // entries are written in order: what survived is 0..n-1, including everything confirmed
                assertThat(present.first()).isZero();
                assertThat(present.last()).isEqualTo(present.size() - 1L);
                assertThat(present.last()).isGreaterThanOrEqualTo(confirmed);
                for (long i : present) {
                    assertThat(reopened.get(CacheFixtures.key(prefix + i)))
                            .isEqualTo(CacheWriterMain.expected(prefix, i));
                }
                assertThat(reopened.get(CacheFixtures.key(prefix + (present.last() + 1))))
                        .isNull();
                // new writes are accepted
                reopened.put(CacheFixtures.key("after-" + round), CacheFixtures.response("after " + round));
                assertThat(reopened.get(CacheFixtures.key("after-" + round)))
                        .isEqualTo(CacheFixtures.response("after " + round));
                assertThat(reopened.stats().entries()).isEqualTo(v.checked() + 1);
            }
        }
    }

    /** With a small limit the child also evicts in every put; a kill still leaves the totals right. */
    @Test
    void aWriterKilledWhileEvictingLeavesAConsistentCache() throws Exception {
        long limit = 40L * 16_500; // about 40 entries
        String prefix = "e-";
        try (Child child = new Child(prefix, Long.MAX_VALUE, limit, null)) {
            child.awaitWritten(120);
            child.process.destroyForcibly();
            assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (DiskCache reopened =
                DiskCache.builder().directory(dir).maxBytes(limit).build()) {
            VerifyReport v = reopened.verify();
            assertThat(v.problems()).isEmpty();
            NavigableSet<Long> present = wholeEntries(prefix);
            assertThat(present).isNotEmpty();
            assertThat(present.first()).isGreaterThan(0L); // the oldest were evicted
            assertThat(reopened.stats().bytes()).isLessThanOrEqualTo(limit);
            assertThat((long) present.size()).isEqualTo(reopened.stats().entries());
            reopened.put(CacheFixtures.key("after"), CacheFixtures.response("after"));
            assertThat(reopened.get(CacheFixtures.key("after"))).isEqualTo(CacheFixtures.response("after"));
        }
    }

    /** Two JVMs write 200 entries each (50 keys in common) into one directory at the same time. */
    @Test
    void twoProcessesWritingOneDirectoryLoseNothing() throws Exception {
        DiskCache.open(dir).close(); // the file exists; the next test has them race to create it
        Path go = dir.getParent().resolve("go-" + System.nanoTime());
        long limit = 1L << 30;
        try (Child a = new Child("a-", 200, limit, go);
                Child b = new Child("b-", 200, limit, go)) {
            assertThat(a.line()).isEqualTo("ready");
            assertThat(b.line()).isEqualTo("ready");
            Files.writeString(go, "go");
            assertThat(a.finish()).isEqualTo(199);
            assertThat(b.finish()).isEqualTo(199);
        } finally {
            Files.deleteIfExists(go);
        }
        assertThat(wholeEntries("a-")).hasSize(200);
        assertThat(wholeEntries("b-")).hasSize(200);
        try (DiskCache reopened = DiskCache.open(dir)) {
            for (long i = 0; i < 200; i++) {
                assertThat(reopened.get(CacheFixtures.key("a-" + i))).isEqualTo(CacheWriterMain.expected("a-", i));
                assertThat(reopened.get(CacheFixtures.key("b-" + i))).isEqualTo(CacheWriterMain.expected("b-", i));
            }
            assertThat(reopened.stats().entries()).isEqualTo(400);
            assertThat(reopened.verify().problems()).isEmpty();
        }
    }

    /** Two JVMs create a new cache directory at the same moment and write the same keys. */
    @Test
    void twoProcessesCreatingTheCacheAtOnceBothSucceed() throws Exception {
        Path go = dir.getParent().resolve("go-" + System.nanoTime());
        try (Child a = new Child("s-", 50, 1L << 30, go);
                Child b = new Child("s-", 50, 1L << 30, go)) {
            assertThat(a.line()).isEqualTo("ready");
            assertThat(b.line()).isEqualTo("ready");
            Files.writeString(go, "go");
            assertThat(a.finish()).isEqualTo(49);
            assertThat(b.finish()).isEqualTo(49);
        } finally {
            Files.deleteIfExists(go);
        }
        assertThat(wholeEntries("s-")).hasSize(50);
        try (DiskCache reopened = DiskCache.open(dir)) {
            assertThat(reopened.stats().entries()).isEqualTo(50);
            assertThat(reopened.verify().problems()).isEmpty();
        }
    }
}
