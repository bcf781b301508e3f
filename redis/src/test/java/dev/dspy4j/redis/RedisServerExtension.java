package dev.dspy4j.redis;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real redis-server ({@link RedisServerProcess}) for all the tests of a class: started before the
 * first, stopped after the last. Register it on a static field, {@code @RegisterExtension static final
 * RedisServerExtension redis = new RedisServerExtension();}, then use {@code redis.uri()} in the tests.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
    private RedisServerProcess process;

    @Override
    public void beforeAll(ExtensionContext context) {
        process = RedisServerProcess.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (process != null) process.close();
    }

    /** {@return the server's URI, {@code redis://127.0.0.1:PORT}} (see {@link RedisServerProcess#uri()}) */
    public String uri() {
        return process.uri();
    }

    /** {@return the server's loopback port} */
    public int port() {
        return process.port();
    }
}
