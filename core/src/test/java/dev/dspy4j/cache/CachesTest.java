package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.ResponseCache;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachesTest {

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        System.clearProperty(Caches.DIR_PROPERTY);
        System.clearProperty(Caches.ENABLED_PROPERTY);
        Caches.resetDefault();
    }

    @Test
    void directoryComesFromThePropertyThenTheEnvironmentThenHome() {
        assertThat(Caches.resolveDirectory("/p", "/e", "/home/u")).isEqualTo(Path.of("/p"));
        assertThat(Caches.resolveDirectory(null, "/e", "/home/u")).isEqualTo(Path.of("/e"));
        assertThat(Caches.resolveDirectory(" ", "", "/home/u")).isEqualTo(Path.of("/home/u/.dspy4j/cache"));
        assertThatThrownBy(() -> Caches.resolveDirectory(null, null, null))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(Caches.DIR_ENV);
    }

    @Test
    void theDefaultCanBeTurnedOff() {
        assertThat(Caches.resolveEnabled(null, null)).isTrue();
        assertThat(Caches.resolveEnabled(null, "on")).isTrue();
        assertThat(Caches.resolveEnabled(null, "off")).isFalse();
        assertThat(Caches.resolveEnabled(null, "FALSE")).isFalse();
        assertThat(Caches.resolveEnabled("0", null)).isFalse();
        assertThat(Caches.resolveEnabled("on", "off")).isTrue(); // the property wins
    }

    /** The build sets DSPY4J_CACHE_DIR into target/ and DSPY4J_CACHE=off for every test JVM. */
    @Test
    void testsNeverUseTheHomeDirectory() {
        Path home = Path.of(System.getProperty("user.home"), ".dspy4j");
        assertThat(Caches.defaultDirectory().startsWith(home))
                .as("%s is under %s", Caches.defaultDirectory(), home)
                .isFalse();
        assertThat(Caches.defaultEnabled()).isFalse();
        assertThat(Caches.defaultCache()).isNull();
    }

    @Test
    void theDefaultIsOpenedOnceInTheConfiguredDirectory() {
        System.setProperty(Caches.DIR_PROPERTY, dir.toString());
        System.setProperty(Caches.ENABLED_PROPERTY, "on");
        Caches.resetDefault();
        ResponseCache first = Caches.defaultCache();
        try {
            assertThat(first).isInstanceOf(TieredCache.class);
            assertThat(ResponseCache.defaultCache()).isSameAs(first);
            assertThat(((TieredCache) first).disk().file())
                    .isEqualTo(dir.toAbsolutePath().resolve(DiskCache.FILE_NAME));
        } finally {
            first.close();
        }
    }

    @Test
    void anUnusableDirectoryGivesAnErrorThatSaysWhatToDo() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("file"), "x");
        System.setProperty(Caches.DIR_PROPERTY, file.toString());
        System.setProperty(Caches.ENABLED_PROPERTY, "on");
        Caches.resetDefault();
        assertThatThrownBy(Caches::defaultCache)
                .isInstanceOf(CacheException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("DSPY4J_CACHE_DIR")
                .hasMessageContaining("cache(null)");
    }
}
