package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Redis URIs: the accepted forms, and errors that name the part and never show the password. */
class RedisAddressTest {

    @Test
    void readsHostPortDatabaseUserPasswordAndTls() {
        assertThat(RedisAddress.parse("redis://cache.internal"))
                .isEqualTo(new RedisAddress(false, "cache.internal", 6379, 0, null, null));
        assertThat(RedisAddress.parse("redis://127.0.0.1:7000/3"))
                .isEqualTo(new RedisAddress(false, "127.0.0.1", 7000, 3, null, null));
        assertThat(RedisAddress.parse("rediss://app:p%40ss+word@h:6380/1"))
                .isEqualTo(new RedisAddress(true, "h", 6380, 1, "app", "p@ss+word"));
        assertThat(RedisAddress.parse("redis://:only-pass@h"))
                .isEqualTo(new RedisAddress(false, "h", 6379, 0, null, "only-pass"));
        assertThat(RedisAddress.parse("redis://lone@h").password()).isEqualTo("lone"); // as redis-cli reads it
        assertThat(RedisAddress.parse("REDIS://[::1]:6390"))
                .isEqualTo(new RedisAddress(false, "::1", 6390, 0, null, null));
        assertThat(RedisAddress.parse("redis://h:1/").database()).isZero();
    }

    @Test
    void toStringMasksThePassword() {
        assertThat(RedisAddress.parse("rediss://app:secret@h:6380/1").toString())
                .isEqualTo("rediss://app:***@h:6380/1");
        assertThat(RedisAddress.parse("redis://:secret@h").toString()).isEqualTo("redis://:***@h:6379");
        assertThat(RedisAddress.parse("redis://[::1]").toString()).isEqualTo("redis://[::1]:6379");
    }

    @Test
    void badUrisNameThePartAndTheAcceptedFormWithoutThePassword() {
        assertThatThrownBy(() -> RedisAddress.parse("http://h:6379"))
                .hasMessageContaining("scheme 'http' is not redis or rediss")
                .hasMessageContaining("expected redis://");
        assertThatThrownBy(() -> RedisAddress.parse("localhost:6379")).hasMessageContaining("it has no scheme");
        // a slash short: the scheme is there, the "//" is not (was "it has no scheme")
        assertThatThrownBy(() -> RedisAddress.parse("redis:/127.0.0.1:6390"))
                .hasMessageContaining("'redis:' must be followed by '//'");
        assertThatThrownBy(() -> RedisAddress.parse("rediss:h:6380"))
                .hasMessageContaining("'rediss:' must be followed by '//'");
        assertThatThrownBy(() -> RedisAddress.parse("redis://u:secret@h:port"))
                .hasMessageContaining("port 'port'")
                .hasMessageContaining("redis://u:***@h:port")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisAddress.parse("redis://:secret@h:70000"))
                .hasMessageContaining("port 70000")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisAddress.parse("redis://secret@h/db1"))
                .hasMessageContaining("database 'db1'")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> RedisAddress.parse("redis://h:6379?db=2")).hasMessageContaining("query strings");
        assertThatThrownBy(() -> RedisAddress.parse("redis://:pw@"))
                .hasMessageContaining("no host")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> RedisAddress.parse(" ")).hasMessageContaining("empty");
    }
}
