package dev.dspy4j.lm.upload;

import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * An {@link UploadRegistry} in this process's memory: what an LM uses when there is no disk cache
 * to keep uploads beside. Forgotten when the process ends (the files stay at the provider until it
 * deletes them, or {@code dspy4j files purge} cannot see them). Thread-safe; threads needing the same
 * upload make one.
 */
public final class MemoryUploadRegistry implements UploadRegistry {
    private final ConcurrentHashMap<Upload.Key, Upload> uploads = new ConcurrentHashMap<>();
    private final SingleFlight<Upload.Key, Upload> flights = new SingleFlight<>();
    private final Duration margin;
    private final Clock clock;

    /** A registry with the default expiry margin. */
    public MemoryUploadRegistry() {
        this(DEFAULT_EXPIRY_MARGIN, Clock.systemUTC());
    }

    /**
     * A registry that treats uploads within {@code margin} of their expiry as gone.
     *
     * @param margin how long before its expiry an upload stops being used; not negative
     * @param clock the clock "now" is read from
     * @throws IllegalArgumentException if {@code margin} is negative
     */
    public MemoryUploadRegistry(Duration margin, Clock clock) {
        this.margin = Objects.requireNonNull(margin, "margin");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (margin.isNegative())
            throw new IllegalArgumentException("the expiry margin must not be negative, not " + margin);
    }

    @Override
    public Upload find(Upload.Key key) {
        Upload u = uploads.get(Objects.requireNonNull(key, "key"));
        return u != null && u.usableAt(clock.instant(), margin) ? u : null;
    }

    @Override
    public Upload ensure(Upload.Key key, long bytes, Supplier<RemoteFile> upload) {
        Objects.requireNonNull(upload, "upload");
        Upload found = find(key);
        if (found != null) return found;
        // an upload whose provider gives it less life than the margin is still used by the call that made it
        return flights.run(key, () -> {
            Upload again = find(key);
            if (again != null) return again;
            Upload u = Uploads.record(key, bytes, upload.get(), clock.instant());
            uploads.put(key, u);
            return u;
        });
    }

    @Override
    public void forget(Upload.Key key, String fileId) {
        uploads.computeIfPresent(key, (k, u) -> u.fileId().equals(fileId) ? null : u);
    }

    @Override
    public List<Upload> list() {
        return uploads.values().stream()
                .sorted(Comparator.comparing(Upload::created)
                        .thenComparing(Upload::provider)
                        .thenComparing(Upload::account)
                        .thenComparing(u -> u.digest().hex()))
                .toList();
    }

    @Override
    public boolean remove(Upload.Key key) {
        return uploads.remove(key) != null;
    }

    @Override
    public Duration expiryMargin() {
        return margin;
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String toString() {
        return "MemoryUploadRegistry[" + uploads.size() + " uploads]";
    }
}
