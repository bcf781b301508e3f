package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.cache.CacheFailureCounter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A server with requirepass: the password from the URI or the environment logs in; a wrong one is a quiet miss. */
class RedisPasswordTest {
    private static final String PASSWORD = "s3cret-Pass:word@1";

    static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start(PASSWORD);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) redis.close();
    }

    private static String encoded() {
        return java.net.URLEncoder.encode(PASSWORD, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void thePasswordFromTheUriOrFromTheEnvironmentLogsIn() {
        try (RedisCache fromUri = RedisCache.builder()
                        .uri("redis://:" + encoded() + "@127.0.0.1:" + redis.port())
                        .prefix("pw:")
                        .memoryBytes(0)
                        .build();
                RedisCache fromEnv = RedisCache.builder()
                        .uri(redis.uri(), Map.of(RedisCache.PASSWORD_ENV, PASSWORD)::get)
                        .prefix("pw:")
                        .memoryBytes(0)
                        .build()) {
            fromUri.put(Responses.key("q"), Responses.response("logged in"));
            assertThat(fromEnv.get(Responses.key("q"))).isEqualTo(Responses.response("logged in"));
            assertThat(fromUri.isDown()).isFalse();
            assertThat(fromEnv.isDown()).isFalse();
            assertThat(fromEnv.toString()).contains(":***@").doesNotContain(PASSWORD);
        }
    }

    @Test
    void aWrongOrMissingPasswordIsOneWarningThatNeverShowsThePasswordAndEveryLookupIsAMiss() {
        CacheFailureCounter failures = new CacheFailureCounter();
        try (LogCapture logs = new LogCapture();
                RedisCache wrong = RedisCache.builder()
                        .uri("redis://:not-" + encoded() + "@127.0.0.1:" + redis.port())
                        .listener(failures)
                        .build();
                RedisCache none = RedisCache.builder()
                        .uri(redis.uri(), name -> null)
                        .listener(failures)
                        .build()) {
            for (int i = 0; i < 5; i++) {
                wrong.put(Responses.key("k" + i), Responses.response("x"));
                assertThat(wrong.get(Responses.key("other" + i))).isNull();
                assertThat(none.get(Responses.key("other" + i))).isNull();
            }
            assertThat(wrong.isDown()).isTrue();
            assertThat(none.isDown()).isTrue();
            assertThat(logs.warnings()).hasSize(2); // one per cache
            assertThat(String.join("\n", logs.warnings()))
                    .doesNotContain(PASSWORD)
                    .doesNotContain("not-s3cret");
            assertThat(failures.first().message()).doesNotContain("s3cret");
        }
    }
}
