package dev.dspy4j.lm;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@link ResponseCache#lease} gives the one caller in a process that is about to send a request
 * that missed: either the {@linkplain #response() response} that another process stored while this
 * caller waited (send nothing), or the right to send it, {@linkplain #granted() granted}, held until
 * {@link #close()}. Close it after storing the response, or after the call failed, so that other
 * processes waiting for the same key stop waiting. Closing twice does nothing.
 */
public final class CacheLease implements AutoCloseable {
    private static final CacheLease LOCAL = new CacheLease(null, () -> {});

    private final LmResponse response;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CacheLease(LmResponse response, Runnable release) {
        this.response = response;
        this.release = release;
    }

    /**
     * {@return the right to send, held by nothing outside this process (what caches private to one process
     * give); closing it does nothing}
     */
    public static CacheLease local() {
        return LOCAL;
    }

    /**
     * {@return the right to send, held until {@link #close()}}
     *
     * @param release gives the lease back; runs once, on the first {@link #close()}, and must not throw
     */
    public static CacheLease granted(Runnable release) {
        return new CacheLease(null, Objects.requireNonNull(release, "release"));
    }

    /**
     * {@return no right to send: another process stored {@code response} for the key while this caller
     * waited}
     *
     * @param response the stored response; not null
     */
    public static CacheLease answered(LmResponse response) {
        return new CacheLease(Objects.requireNonNull(response, "response"), () -> {});
    }

    /** {@return true if the caller is to send the request (then {@link #response()} is null)} */
    public boolean granted() {
        return response == null;
    }

    /** {@return the response another process stored, or null if this caller holds the lease and is to send} */
    public LmResponse response() {
        return response;
    }

    /** Gives the lease back (once); does nothing for an answered lease. */
    @Override
    public void close() {
        if (this == LOCAL || !closed.compareAndSet(false, true)) return;
        release.run();
    }

    @Override
    public String toString() {
        return response != null ? "CacheLease[answered]" : this == LOCAL ? "CacheLease[local]" : "CacheLease[granted]";
    }
}
