package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache failures are reported: a damaged file at open, a read-only directory at open, absorbed failures to a listener. */
class CacheFailureReportingTest {

    @TempDir
    Path dir;

    private void fill(int n) {
        try (DiskCache d = DiskCache.open(dir)) {
            for (int i = 0; i < n; i++)
                d.put(CacheFixtures.key("k" + i), CacheFixtures.response(CacheFixtures.text(i, 600)));
        }
    }

    /** Overwrites {@code length} bytes at {@code offset} with noise, as a disk fault or a stray write would. */
    private static void overwrite(Path file, long offset, int length) throws IOException {
        byte[] noise = new byte[length];
        new Random(7).nextBytes(noise);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(noise);
        }
    }

    @Test
    void eightKilobytesOverwrittenInTheMiddleAreReportedAtOpenWithWhatToDo() throws IOException {
        fill(200);
        Path file = dir.resolve(DiskCache.FILE_NAME);
        long size = Files.size(file);
        assertThat(size).isGreaterThan(64 * 1024);
        overwrite(file, size / 2 / 4096 * 4096, 8192);

        assertThatThrownBy(() -> DiskCache.open(dir))
                .isInstanceOf(CacheCorruptedException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("damaged")
                .hasMessageContaining("delete " + file)
                .satisfies(e -> assertThat(((CacheCorruptedException) e).file()).isEqualTo(file));
        assertThatThrownBy(() -> TieredCache.open(dir)).isInstanceOf(CacheCorruptedException.class);
    }

    @Test
    void aFileThatIsNotADatabaseIsReportedAsDamaged() throws IOException {
        fill(3);
        Path file = dir.resolve(DiskCache.FILE_NAME);
        overwrite(file, 0, 100); // the header
        assertThatThrownBy(() -> DiskCache.open(dir))
                .isInstanceOf(CacheCorruptedException.class)
                .hasMessageContaining("delete " + file);
    }

    @Test
    void withoutTheCheckAtOpenDamagedPagesAreCountedAsFailedReadsAndTheCallsGoOn() throws IOException {
        fill(200);
        Path file = dir.resolve(DiskCache.FILE_NAME);
        long size = Files.size(file);
        overwrite(file, size / 2 / 4096 * 4096, 8192);
        CacheFailureCounter failures = new CacheFailureCounter();
        int misses = 0;
        try (TieredCache t = TieredCache.builder()
                .directory(dir)
                .checkOnOpen(false)
                .listener(failures)
                .build()) {
            for (int i = 0; i < 200; i++) {
                if (t.get(CacheFixtures.key("k" + i)) == null) misses++;
            }
        }
        assertThat(misses).isPositive();
        assertThat(failures.reads() + failures.damagedEntries()).isPositive();
        assertThat(failures.first().message()).contains(file.toString());
    }

    @Test
    void writesAndReadsThatFailAreCountedByTheTieredCachesListener() {
        CacheFailureCounter failures = new CacheFailureCounter();
        TieredCache t = TieredCache.builder().directory(dir).listener(failures).build();
        t.disk().close(); // every disk operation now fails
        t.put(CacheFixtures.key("a"), CacheFixtures.response("A"));
        t.put(CacheFixtures.key("b"), CacheFixtures.response("B"));
        assertThat(t.get(CacheFixtures.key("c"))).isNull();
        assertThat(failures.writes()).isEqualTo(2);
        assertThat(failures.reads()).isEqualTo(1);
        assertThat(failures.total()).isEqualTo(3);
        assertThat(failures.first().operation()).isEqualTo(CacheFailure.Operation.WRITE);
        assertThat(failures.first().message()).contains("is closed");
        t.close();
    }

    @Test
    void anLmTellsItsCacheListenerWhenTheWholeCacheFails() {
        ResponseCache broken = new ResponseCache() {
            @Override
            public LmResponse get(CacheKey key) {
                throw new CacheException("disk full (test)");
            }

            @Override
            public void put(CacheKey key, LmResponse response) {
                throw new CacheException("disk full (test)");
            }
        };
        CacheFailureCounter failures = new CacheFailureCounter();
        ScriptedLm lm = ScriptedLm.builder()
                .cache(broken)
                .cacheListener(failures)
                .respond(r -> java.util.List.of("ok"))
                .build();
        LmResponse r = lm.complete(LmRequest.of(Prompt.of(Message.user("hi"))));
        assertThat(r.completions().get(0).text()).isEqualTo("ok");
        // two lookups (before and after claiming the in-flight slot) and one store
        assertThat(failures.reads()).isEqualTo(2);
        assertThat(failures.writes()).isEqualTo(1);
        assertThat(failures.first().message())
                .startsWith("scripted: the response cache failed")
                .contains("disk full (test)");
    }

    @Test
    void aReadOnlyCacheDirectoryIsReportedAtOpenAsNotWritable() throws Exception {
        fill(1);
        ReadOnly ro = ReadOnly.make(dir);
        try {
            assertThatThrownBy(() -> TieredCache.open(dir))
                    .isInstanceOf(CacheNotWritableException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("not writable");
        } finally {
            ro.undo();
        }
        try (DiskCache d = DiskCache.open(dir)) {
            assertThat(d.get(CacheFixtures.key("k0"))).isNotNull();
        }
    }

    @Test
    void aReadOnlyCacheFileIsReportedAtOpenAsNotWritable() throws Exception {
        fill(1);
        Path file = dir.resolve(DiskCache.FILE_NAME);
        ReadOnly ro = ReadOnly.make(file);
        try {
            assertThatThrownBy(() -> DiskCache.open(dir))
                    .isInstanceOf(CacheNotWritableException.class)
                    .hasMessageContaining("the cache file " + file.toAbsolutePath() + " is read-only")
                    .satisfies(e ->
                            assertThat(((CacheNotWritableException) e).path()).isEqualTo(file.toAbsolutePath()));
        } finally {
            ro.undo();
        }
    }

    /** Makes a directory read-only for this process: chattr +i as root (who ignores permissions), else permissions. */
    record ReadOnly(Path dir, boolean immutable) {
        static ReadOnly make(Path dir) throws Exception {
            if ("root".equals(System.getProperty("user.name"))) {
                run("chattr", "+i", dir.toString());
                return new ReadOnly(dir, true);
            }
            Files.setPosixFilePermissions(
                    dir, PosixFilePermissions.fromString(Files.isDirectory(dir) ? "r-xr-xr-x" : "r--r--r--"));
            return new ReadOnly(dir, false);
        }

        void undo() throws Exception {
            if (immutable) {
                run("chattr", "-i", dir.toString());
            } else {
                Files.setPosixFilePermissions(
                        dir, PosixFilePermissions.fromString(Files.isDirectory(dir) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }

        private static void run(String... cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
