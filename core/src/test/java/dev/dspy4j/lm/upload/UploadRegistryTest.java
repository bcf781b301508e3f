package dev.dspy4j.lm.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.media.Digest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both registries: one upload per key among threads, re-upload after forget or near expiry, records. */
class UploadRegistryTest {
    @TempDir
    static Path dir;

    private static final AtomicInteger DBS = new AtomicInteger();

    static final Upload.Key KEY =
            new Upload.Key("openai", "https://api.openai.com/v1", Digest.ofHex("0123456789abcdef".repeat(4)));
    static final Upload.Key OTHER = new Upload.Key("openai", "http://127.0.0.1:9/v1", KEY.digest());

    static Stream<Arguments> registries() {
        Function<Clock, UploadRegistry> memory = c -> new MemoryUploadRegistry(Duration.ofHours(1), c);
        Function<Clock, UploadRegistry> sqlite = c -> SqliteUploadRegistry.builder()
                .file(dir.resolve("r" + DBS.incrementAndGet() + ".sqlite3"))
                .clock(c)
                .build();
        return Stream.of(Arguments.of("memory", memory), Arguments.of("sqlite", sqlite));
    }

    /** A clock tests move by hand. */
    static final class MovableClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-30T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static RemoteFile file(String id, Instant expires) {
        return new RemoteFile(id, "x.png", -1, null, "user_data", null, expires);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void aPayloadIsUploadedOncePerAccountAndFoundAfterwards(String name, Function<Clock, UploadRegistry> make) {
        MovableClock clock = new MovableClock();
        try (UploadRegistry r = make.apply(clock)) {
            AtomicInteger uploads = new AtomicInteger();
            Upload u = r.ensure(KEY, 1234, () -> file("file-" + uploads.incrementAndGet(), null));
            assertThat(u)
                    .isEqualTo(new Upload(
                            "openai", "https://api.openai.com/v1", KEY.digest(), "file-1", 1234, clock.now, null));
            assertThat(r.ensure(KEY, 1234, () -> file("file-" + uploads.incrementAndGet(), null)))
                    .isEqualTo(u);
            assertThat(r.find(KEY)).isEqualTo(u);
            assertThat(r.find(OTHER)).isNull();
            clock.now = clock.now.plusSeconds(1);
            Upload other = r.ensure(OTHER, 1234, () -> file("file-" + uploads.incrementAndGet(), null));
            assertThat(other.fileId()).isEqualTo("file-2");
            assertThat(uploads).hasValue(2);
            assertThat(r.list()).containsExactly(u, other);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void threadsNeedingTheSameUploadMakeOne(String name, Function<Clock, UploadRegistry> make) throws Exception {
        try (UploadRegistry r = make.apply(Clock.systemUTC())) {
            AtomicInteger uploads = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Upload>> all = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    all.add(pool.submit(() -> {
                        start.await();
                        return r.ensure(KEY, 10, () -> {
                            sleep(200);
                            return file("file-" + uploads.incrementAndGet(), null);
                        });
                    }));
                }
                start.countDown();
                for (Future<Upload> f : all) assertThat(f.get().fileId()).isEqualTo("file-1");
            } finally {
                pool.shutdownNow();
            }
            assertThat(uploads).hasValue(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void aFailedUploadRecordsNothingAndTheNextCallerTriesAgain(String name, Function<Clock, UploadRegistry> make) {
        try (UploadRegistry r = make.apply(Clock.systemUTC())) {
            assertThatThrownBy(() -> r.ensure(KEY, 10, () -> {
                        throw new IllegalStateException("provider down");
                    }))
                    .hasMessage("provider down");
            assertThat(r.find(KEY)).isNull();
            assertThat(r.list()).isEmpty();
            assertThat(r.ensure(KEY, 10, () -> file("file-ok", null)).fileId()).isEqualTo("file-ok");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void aForgottenIdIsUploadedAgainButAForgetOfAnOlderIdKeepsTheNewOne(
            String name, Function<Clock, UploadRegistry> make) {
        try (UploadRegistry r = make.apply(Clock.systemUTC())) {
            r.ensure(KEY, 10, () -> file("file-old", null));
            r.forget(KEY, "file-old");
            assertThat(r.find(KEY)).isNull();
            assertThat(r.ensure(KEY, 10, () -> file("file-new", null)).fileId()).isEqualTo("file-new");
            r.forget(KEY, "file-old"); // a second caller that also saw the old id fail
            assertThat(r.find(KEY).fileId()).isEqualTo("file-new");
            assertThat(r.remove(KEY)).isTrue();
            assertThat(r.remove(KEY)).isFalse();
            assertThat(r.find(KEY)).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void anUploadNearItsExpiryIsMadeAgain(String name, Function<Clock, UploadRegistry> make) {
        MovableClock clock = new MovableClock();
        try (UploadRegistry r = make.apply(clock)) {
            Instant expires = clock.now.plus(Duration.ofDays(2));
            assertThat(r.ensure(KEY, 10, () -> file("file-1", expires)).expires())
                    .isEqualTo(expires);
            clock.now = clock.now.plus(Duration.ofHours(46));
            assertThat(r.find(KEY)).isNotNull();
            clock.now = clock.now.plus(Duration.ofMinutes(61)); // within the hour's margin
            assertThat(r.find(KEY)).isNull();
            assertThat(r.ensure(KEY, 10, () -> file("file-2", null)).fileId()).isEqualTo("file-2");
        }
    }

    @Test
    void theSqliteRegistryKeepsUploadsAcrossReopeningAndSharesTheResponseCacheFile(@TempDir Path cacheDir) {
        assertThat(SqliteUploadRegistry.FILE_NAME).isEqualTo(dev.dspy4j.cache.DiskCache.FILE_NAME);
        Upload u;
        try (var disk = dev.dspy4j.cache.DiskCache.open(cacheDir);
                UploadRegistry r = SqliteUploadRegistry.open(cacheDir)) {
            u = r.ensure(KEY, 10, () -> file("file-kept", null));
            assertThat(disk.stats().entries()).isZero();
        }
        try (UploadRegistry r = SqliteUploadRegistry.open(cacheDir);
                var disk = dev.dspy4j.cache.DiskCache.open(cacheDir)) {
            assertThat(r.find(KEY)).isEqualTo(u);
            assertThat(disk.verify().problems()).isEmpty();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
