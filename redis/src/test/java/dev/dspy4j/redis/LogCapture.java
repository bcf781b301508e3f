package dev.dspy4j.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the log lines of {@link RedisCache} (SLF4J goes to java.util.logging in these tests, through
 * slf4j-jdk14), so a test can count warnings. Close it to detach.
 */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger(RedisCache.class.getName());
    private final List<LogRecord> records = new ArrayList<>();

    LogCapture() {
        setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord r) {
        records.add(r);
    }

    /** The messages (formatted) logged at {@code level}. */
    synchronized List<String> at(Level level) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records) {
            if (r.getLevel().equals(level)) out.add(new java.util.logging.SimpleFormatter().formatMessage(r));
        }
        return out;
    }

    synchronized List<String> warnings() {
        return at(Level.WARNING);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
