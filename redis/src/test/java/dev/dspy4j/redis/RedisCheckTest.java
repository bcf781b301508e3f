package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.cache.CacheFailureCounter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisCache#check()}: a server that refuses the settings (database, password) is a configuration
 * error with a message saying what to fix; a server that cannot be reached is an outage (false, the cache
 * goes on without it).
 */
class RedisCheckTest {
    private static final String PASSWORD = "s3cret-check";

    static RedisServerProcess open;
    static RedisServerProcess locked;

    @BeforeAll
    static void startRedis() {
        open = RedisServerProcess.start();
        locked = RedisServerProcess.start(PASSWORD);
    }

    @AfterAll
    static void stopRedis() {
        if (open != null) open.close();
        if (locked != null) locked.close();
    }

    private static IllegalStateException refusal(String uri, Map<String, String> env) {
        try (RedisCache cache = RedisCache.builder().uri(uri, env::get).build()) {
            return catchThrowableOfType(IllegalStateException.class, cache::check);
        }
    }

    @Test
    void aServerThatAnswersIsChecked() {
        try (RedisCache cache = RedisCache.builder().uri(open.uri() + "/3").build()) {
            assertThat(cache.check()).isTrue();
            assertThat(cache.isDown()).isFalse();
        }
        try (RedisCache cache = RedisCache.builder()
                .uri(locked.uri(), Map.of(RedisCache.PASSWORD_ENV, PASSWORD)::get)
                .build()) {
            assertThat(cache.check()).isTrue();
        }
    }

    @Test
    void aDatabaseThatDoesNotExistIsAConfigurationError() {
        IllegalStateException e = refusal(open.uri() + "/99", Map.of());
        assertThat(e)
                .hasMessage("Redis at redis://127.0.0.1:" + open.port() + "/99 refused this cache's settings (ERR DB"
                        + " index is out of range): the database number in the URI is past the server's 'databases'"
                        + " setting (16 by default)");
    }

    @Test
    void aMissingOrWrongPasswordIsAConfigurationErrorThatNeverShowsThePassword() {
        assertThat(refusal(locked.uri(), Map.of()).getMessage())
                .startsWith("Redis at redis://127.0.0.1:" + locked.port() + " refused this cache's settings (NOAUTH")
                .endsWith("): the server needs a password: give it in the URI (redis://:PASSWORD@host) or in"
                        + " $DSPY4J_REDIS_PASSWORD");
        IllegalStateException wrong = refusal("redis://:not-" + PASSWORD + "@127.0.0.1:" + locked.port(), Map.of());
        assertThat(wrong.getMessage())
                .startsWith("Redis at redis://:***@127.0.0.1:" + locked.port() + " refused this cache's settings"
                        + " (WRONGPASS")
                .endsWith("): the user name or password is wrong")
                .doesNotContain(PASSWORD);
        // a server without a password (the default user is 'nopass') takes any password: no error
        try (RedisCache cache = RedisCache.builder()
                .uri(open.uri(), Map.of(RedisCache.PASSWORD_ENV, "stray")::get)
                .build()) {
            assertThat(cache.check()).isTrue();
        }
    }

    @Test
    void aServerThatCannotBeReachedIsAnOutageNotAnError() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        CacheFailureCounter failures = new CacheFailureCounter();
        try (LogCapture logs = new LogCapture();
                RedisCache cache = RedisCache.builder()
                        .uri("redis://127.0.0.1:" + port + "/99")
                        .listener(failures)
                        .build()) {
            assertThat(cache.check()).isFalse();
            assertThat(cache.isDown()).isTrue();
            assertThat(cache.get(Responses.key("q"))).isNull();
            assertThat(logs.warnings()).hasSize(1);
        }
    }
}
