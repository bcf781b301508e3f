package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LmResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCacheTest {

    @TempDir
    Path dir;

    private static long storedSize(LmResponse r) {
        return ResponseCodec.encode(r).length + 32L;
    }

    private Connection raw() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(DiskCache.FILE_NAME));
    }

    private long accessedOf(CacheKey k) throws Exception {
        try (Connection c = raw();
                PreparedStatement ps = c.prepareStatement("SELECT accessed FROM entries WHERE key = ?")) {
            ps.setBytes(1, k.bytes());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("entry %s exists", k).isTrue();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void storesResponsesThatSurviveReopening() {
        LmResponse r = CacheFixtures.rich();
        try (DiskCache d = DiskCache.open(dir)) {
            assertThat(d.get(CacheFixtures.key("a"))).isNull();
            d.put(CacheFixtures.key("a"), r);
            assertThat(d.get(CacheFixtures.key("a"))).isEqualTo(r);
            assertThat(d.file()).isEqualTo(dir.toAbsolutePath().resolve("responses.sqlite3"));
        }
        try (DiskCache d = DiskCache.open(dir)) {
            assertThat(d.get(CacheFixtures.key("a"))).isEqualTo(r);
            assertThat(d.get(CacheFixtures.key("b"))).isNull();
            CacheStats s = d.stats();
            assertThat(s.entries()).isEqualTo(1);
            assertThat(s.bytes()).isEqualTo(storedSize(r));
            assertThat(s.maxBytes()).isEqualTo(DiskCache.DEFAULT_MAX_BYTES);
        }
    }

    @Test
    void usesWalModeAndOneTableKeyedByTheKeyBytes() throws Exception {
        try (DiskCache d = DiskCache.open(dir)) {
            d.put(CacheFixtures.key("a"), CacheFixtures.response("a"));
            try (Connection c = raw();
                    Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                    assertThat(rs.getString(1)).isEqualTo("wal");
                }
                try (ResultSet rs = st.executeQuery("SELECT key, typeof(key), length(key) FROM entries")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getBytes(1)).isEqualTo(CacheFixtures.key("a").bytes());
                    assertThat(rs.getString(2)).isEqualTo("blob");
                    assertThat(rs.getInt(3)).isEqualTo(32);
                }
            }
        }
    }

    @Test
    void aSecondPutReplacesTheValueKeepsTheCreationTimeAndFixesTheTotals() throws Exception {
        MutableClock clock = new MutableClock();
        clock.set(1_000);
        try (DiskCache d = DiskCache.builder().directory(dir).clock(clock).build()) {
            d.put(CacheFixtures.key("a"), CacheFixtures.response("first"));
            clock.set(2_000);
            LmResponse second = CacheFixtures.response("the second, longer answer");
            d.put(CacheFixtures.key("a"), second);
            assertThat(d.get(CacheFixtures.key("a"))).isEqualTo(second);
            assertThat(d.stats()).isEqualTo(new CacheStats(1, storedSize(second), DiskCache.DEFAULT_MAX_BYTES));
        }
        try (Connection c = raw();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT created, accessed FROM entries")) {
            assertThat(rs.getLong(1)).isEqualTo(1_000);
            assertThat(rs.getLong(2)).isEqualTo(2_000);
        }
    }

    /** Six entries of one size under a limit of 5.5 entries: the put of the sixth evicts down to 90 %. */
    @Test
    void evictsTheLeastRecentlyUsedEntries() {
        LmResponse r = CacheFixtures.response(CacheFixtures.text(7, 2000));
        long each = storedSize(r);
        MutableClock clock = new MutableClock();
        try (DiskCache d = DiskCache.builder()
                .directory(dir)
                .clock(clock)
                .maxBytes(each * 11 / 2)
                .accessResolution(Duration.ZERO)
                .build()) {
            for (int i = 0; i < 5; i++) {
                clock.set(i);
                d.put(CacheFixtures.key("k" + i), r);
            }
            clock.set(10);
            assertThat(d.get(CacheFixtures.key("k0"))).isEqualTo(r); // k0 becomes the most recently used
            clock.set(11);
            d.put(CacheFixtures.key("k5"), r);
            List<String> left = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                if (d.get(CacheFixtures.key("k" + i)) != null) left.add("k" + i);
            }
            assertThat(left).containsExactly("k0", "k3", "k4", "k5");
            assertThat(d.stats().entries()).isEqualTo(4);
            assertThat(d.stats().bytes()).isEqualTo(4 * each);
            assertThat(d.verify().problems()).isEmpty();
        }
    }

    /** With the default resolution a hit within 60 s of the last recorded access writes nothing. */
    @Test
    void accessTimesAreRecordedAtMostOncePerResolution() throws Exception {
        LmResponse r = CacheFixtures.response(CacheFixtures.text(7, 2000));
        long each = storedSize(r);
        MutableClock clock = new MutableClock();
        try (DiskCache d = DiskCache.builder()
                .directory(dir)
                .clock(clock)
                .maxBytes(each * 11 / 2)
                .build()) {
            for (int i = 0; i < 5; i++) {
                clock.set(i);
                d.put(CacheFixtures.key("k" + i), r);
            }
            clock.set(10_000);
            assertThat(d.get(CacheFixtures.key("k0"))).isNotNull(); // 10 s later: not recorded
            clock.set(10_001);
            d.put(CacheFixtures.key("k5"), r);
            assertThat(d.get(CacheFixtures.key("k0"))).isNull();
            assertThat(d.get(CacheFixtures.key("k1"))).isNull();
            assertThat(d.get(CacheFixtures.key("k2"))).isNotNull();
            assertThat(accessedOf(CacheFixtures.key("k2"))).isEqualTo(2);

            clock.set(70_000); // 70 s after its last recorded access: recorded, written on close
            assertThat(d.get(CacheFixtures.key("k2"))).isNotNull();
            assertThat(accessedOf(CacheFixtures.key("k2"))).isEqualTo(2);
        }
        assertThat(accessedOf(CacheFixtures.key("k2"))).isEqualTo(70_000);
    }

    /** Hits only (no put, no close): once 64 access times are queued, a background thread writes them. */
    @Test
    void queuedAccessTimesAreWrittenInTheBackgroundWithoutAPut() throws Exception {
        MutableClock clock = new MutableClock();
        try (DiskCache d = DiskCache.builder()
                .directory(dir)
                .clock(clock)
                .accessResolution(Duration.ZERO)
                .build()) {
            for (int i = 0; i < 70; i++) d.put(CacheFixtures.key("k" + i), CacheFixtures.response("a" + i));
            clock.set(5_000);
            for (int i = 0; i < 70; i++)
                assertThat(d.get(CacheFixtures.key("k" + i))).isNotNull();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // an await, not a timing assertion
            while (accessedOf(CacheFixtures.key("k0")) != 5_000 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(accessedOf(CacheFixtures.key("k0"))).isEqualTo(5_000);
            d.flushAccessTimes();
            assertThat(accessedOf(CacheFixtures.key("k69"))).isEqualTo(5_000);
        }
    }

    @Test
    void aResponseLargerThanTheLimitIsNotStored() {
        try (DiskCache d = DiskCache.builder().directory(dir).maxBytes(1000).build()) {
            d.put(CacheFixtures.key("small"), CacheFixtures.response("ok"));
            d.put(CacheFixtures.key("big"), CacheFixtures.response(CacheFixtures.text(1, 5000)));
            assertThat(d.get(CacheFixtures.key("big"))).isNull();
            assertThat(d.get(CacheFixtures.key("small"))).isNotNull();
            assertThat(d.stats().entries()).isEqualTo(1);
        }
    }

    @Test
    void verifyChecksEveryEntryAndTheTotals() throws Exception {
        try (DiskCache d = DiskCache.open(dir)) {
            for (int i = 0; i < 20; i++) d.put(CacheFixtures.key("k" + i), CacheFixtures.response("answer " + i));
            VerifyReport ok = d.verify();
            assertThat(ok.ok()).isTrue();
            assertThat(ok.checked()).isEqualTo(20);

            byte[] garbage = "{\"v\":1,\"usage\":[0,0],\"completions\":[{\"te".getBytes(StandardCharsets.UTF_8);
            try (Connection c = raw();
                    PreparedStatement ps = c.prepareStatement("UPDATE entries SET value = ?, size = ? WHERE key = ?")) {
                ps.setBytes(1, garbage);
                ps.setLong(2, garbage.length + 32);
                ps.setBytes(3, CacheFixtures.key("k3").bytes());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            VerifyReport bad = d.verify();
            assertThat(bad.ok()).isFalse();
            assertThat(bad.checked()).isEqualTo(19);
            assertThat(bad.problems())
                    .anySatisfy(p -> assertThat(p)
                            .contains(CacheFixtures.key("k3").hex())
                            .contains("does not decode"));
            assertThat(bad.problems()).anySatisfy(p -> assertThat(p).startsWith("totals say 20 entries"));
            // a damaged entry is a miss, and a new put repairs it
            assertThat(d.get(CacheFixtures.key("k3"))).isNull();
            d.put(CacheFixtures.key("k3"), CacheFixtures.response("again"));
            assertThat(d.get(CacheFixtures.key("k3"))).isEqualTo(CacheFixtures.response("again"));
        }
    }

    @Test
    void clearDeletesEverything() {
        try (DiskCache d = DiskCache.open(dir)) {
            for (int i = 0; i < 10; i++) d.put(CacheFixtures.key("k" + i), CacheFixtures.response("answer " + i));
            assertThat(d.clear()).isEqualTo(10);
            assertThat(d.stats().entries()).isZero();
            assertThat(d.stats().bytes()).isZero();
            assertThat(d.get(CacheFixtures.key("k1"))).isNull();
            assertThat(d.verify().ok()).isTrue();
            d.put(CacheFixtures.key("k1"), CacheFixtures.response("new"));
            assertThat(d.get(CacheFixtures.key("k1"))).isEqualTo(CacheFixtures.response("new"));
        }
    }

    @Test
    void removeDeletesOneEntry() {
        try (DiskCache d = DiskCache.open(dir)) {
            d.put(CacheFixtures.key("a"), CacheFixtures.response("a"));
            d.put(CacheFixtures.key("b"), CacheFixtures.response("b"));
            assertThat(d.remove(CacheFixtures.key("a"))).isTrue();
            assertThat(d.remove(CacheFixtures.key("a"))).isFalse();
            assertThat(d.get(CacheFixtures.key("a"))).isNull();
            assertThat(d.stats())
                    .isEqualTo(new CacheStats(1, storedSize(CacheFixtures.response("b")), DiskCache.DEFAULT_MAX_BYTES));
        }
    }

    @Test
    void manyThreadsReadAndWriteThroughASmallPool() throws Exception {
        try (DiskCache d = DiskCache.builder().directory(dir).poolSize(2).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            CacheKey own = CacheFixtures.key("t" + thread + "-" + i);
                            d.put(own, CacheFixtures.response("t" + thread + " " + i));
                            d.put(CacheFixtures.key("shared-" + i), CacheFixtures.response("shared " + i));
                            assertThat(d.get(own)).isEqualTo(CacheFixtures.response("t" + thread + " " + i));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) f.get();
            } finally {
                pool.shutdownNow();
            }
            assertThat(d.stats().entries()).isEqualTo(8 * 40 + 40);
            VerifyReport v = d.verify();
            assertThat(v.problems()).isEmpty();
            assertThat(v.checked()).isEqualTo(8 * 40 + 40);
        }
    }

    @Test
    void aClosedCacheSaysSo() {
        DiskCache d = DiskCache.open(dir);
        d.close();
        d.close();
        assertThatThrownBy(() -> d.get(CacheFixtures.key("a")))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("is closed")
                .hasMessageContaining(DiskCache.FILE_NAME);
    }

    @Test
    void aFileWrittenByANewerVersionIsRefused() throws Exception {
        DiskCache.open(dir).close();
        try (Connection c = raw();
                Statement st = c.createStatement()) {
            st.execute("PRAGMA user_version = 99");
        }
        assertThatThrownBy(() -> DiskCache.open(dir))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("schema version 99")
                .hasMessageContaining(dir.toString());
    }

    @Test
    void aDirectoryThatIsAFileIsNamedInTheError() throws Exception {
        Path notDir = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> DiskCache.open(notDir))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("cannot create the cache directory")
                .hasMessageContaining(notDir.toString());
    }
}
