package dev.dspy4j.redis;

import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheListener;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Whether one {@link RedisCache}'s server is reachable. The first failure of an outage logs one
 * warning and marks the server down; while down, operations are skipped (a miss, a skipped write)
 * without waiting for a timeout, except one probe per retry interval, whose success logs one info line
 * and ends the outage. A wait for a pooled connection that timed out (all in use by this process) is not an
 * outage: that operation is skipped, with one warning per cache. Every failure and skipped operation is told to the {@link CacheListener}.
 * Hand-written (about 60 lines) rather than a circuit-breaker library, which would bring a dependency
 * onto every Spark executor for one flag and one timestamp.
 */
final class RedisHealth {
    private static final Logger log = LoggerFactory.getLogger(RedisCache.class);

    private final String server;
    private final long retryNanos;
    private final CacheListener listener;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicLong nextProbe = new AtomicLong();
    private final AtomicBoolean poolWarned = new AtomicBoolean();

    RedisHealth(String server, long retryNanos, CacheListener listener) {
        this.server = server;
        this.retryNanos = retryNanos;
        this.listener = listener;
    }

    /** True if an operation should go to Redis now: it is up, or this caller is the one probe due. */
    boolean shouldTry() {
        if (!down.get()) return true;
        long next = nextProbe.get();
        long now = System.nanoTime();
        return now - next >= 0 && nextProbe.compareAndSet(next, now + retryNanos);
    }

    /** True while an outage is going on. */
    boolean isDown() {
        return down.get();
    }

    /** An operation reached Redis: ends an outage, if one was going on. */
    void succeeded() {
        if (down.get() && down.compareAndSet(true, false)) {
            log.info("Redis at {} is reachable again; the response cache is shared again", server);
        }
    }

    /**
     * An operation failed: starts an outage (one warning) or extends it, and tells the listener. A failure
     * on a thread that was interrupted (a cancelled call: on a virtual thread the interrupt closes the
     * socket mid-command) is that caller's cancellation, not an outage: it is told to the listener only.
     */
    void failed(CacheFailure.Operation op, String what, RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
            tell(
                    op,
                    "Redis at " + server + ": " + what + " abandoned: the calling thread was interrupted (" + e + ")",
                    e);
            return;
        }
        if (poolExhausted(e)) {
            // every pooled connection stayed busy for the timeout: this process is busy, Redis is not down
            if (poolWarned.compareAndSet(false, true)) {
                log.warn(
                        "Redis at {}: {} found no free pooled connection within the timeout and was skipped; this is"
                                + " not an outage (said once per cache; raise maxConnections or the timeout if it"
                                + " repeats)",
                        server,
                        what);
            }
            tell(op, "Redis at " + server + ": " + what + " skipped: no pooled connection came free in time", e);
            return;
        }
        nextProbe.set(System.nanoTime() + retryNanos);
        if (down.compareAndSet(false, true)) {
            log.warn(
                    "Redis at {} failed ({}: {}); until it answers again, lookups are misses and answers are not "
                            + "shared (one warning per outage; checking again every {} ms)",
                    server,
                    what,
                    e.toString(),
                    retryNanos / 1_000_000);
        }
        tell(op, "Redis at " + server + ": " + what + " failed: " + e, e);
    }

    /**
     * True if {@code e} is a wait for a pooled connection that timed out: the pool's
     * {@link NoSuchElementException} without a cause (commons-pool gives one a cause when making or
     * validating a connection failed, which is Redis's doing).
     */
    static boolean poolExhausted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NoSuchElementException && t.getCause() == null) return true;
        }
        return false;
    }

    /** An operation skipped because Redis is down; told to the listener only. */
    void skipped(CacheFailure.Operation op, String what) {
        tell(op, "Redis at " + server + " is unreachable: " + what + " skipped", null);
    }

    /**
     * What to fix when {@code e} (or a cause) is Redis refusing the client's settings while it logs in or
     * selects the database: an error reply no retry can cure, unlike an outage. Null for anything else
     * (connection refused or reset, timeout, TLS failure, a server still loading its data, ...).
     */
    static String refusal(Throwable e) {
        String reply = reply(e);
        if (reply == null) return null;
        if (reply.startsWith("ERR DB index") || reply.startsWith("ERR invalid DB index")) {
            return "the database number in the URI is past the server's 'databases' setting (16 by default)";
        }
        if (reply.startsWith("NOAUTH")) {
            return "the server needs a password: give it in the URI (redis://:PASSWORD@host) or in $"
                    + RedisCache.PASSWORD_ENV;
        }
        if (reply.startsWith("WRONGPASS") || reply.startsWith("ERR invalid password")) {
            return "the user name or password is wrong";
        }
        if (reply.startsWith("ERR AUTH") || reply.startsWith("ERR Client sent AUTH")) {
            return "the server has no password for this user: drop it from the URI and from $"
                    + RedisCache.PASSWORD_ENV;
        }
        if (reply.startsWith("NOPERM")) {
            return "the user may not run the commands this cache needs (PING, GET, SET, PTTL, EXISTS, EVAL)";
        }
        return null;
    }

    /** The error reply of Redis in {@code e} or its causes (a {@link JedisDataException}'s message), or null. */
    static String reply(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisDataException && t.getMessage() != null) return t.getMessage();
        }
        return null;
    }

    void tell(CacheFailure.Operation op, String message, Throwable cause) {
        try {
            listener.failed(new CacheFailure(op, message, cause));
        } catch (RuntimeException le) {
            log.warn("the cache listener failed: {}", le.toString());
        }
    }
}
