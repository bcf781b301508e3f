package dev.dspy4j.spark;

import dev.dspy4j.cache.ResponseCache;
import dev.dspy4j.cache.TieredCache;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Opens the response cache on each executor, once per executor JVM per run. A cache shared by all
 * executors (Redis) is what makes a rerun, a retried task or a second job free for rows already
 * answered anywhere; a {@link Disk} cache is shared only by the runs on one machine.
 */
@FunctionalInterface
public interface CacheFactory extends Serializable {

    /** A new cache; may throw if it cannot be opened (the run then goes on without a cache, with a warning). */
    ResponseCache open();

    /**
     * A cache from its command-line form: a folder path for the on-disk cache of each executor
     * machine ({@code /var/cache/dspy4j}, {@code file:/var/cache/dspy4j}).
     *
     * @throws IllegalArgumentException for a form that is not accepted, naming the accepted ones
     */
    static CacheFactory parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.isBlank()) throw new IllegalArgumentException("--cache is empty; expected a folder path or file:/path");
        if (spec.startsWith("file:")) return new Disk(Path.of(java.net.URI.create(spec)).toString());
        if (spec.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            throw new IllegalArgumentException("--cache '" + spec + "': unknown scheme; expected a folder path or file:/path");
        }
        return new Disk(spec);
    }

    /**
     * The on-disk cache ({@link TieredCache}: memory in front of SQLite) in {@code directory} on each
     * executor machine; executors on one machine share it.
     */
    record Disk(String directory) implements CacheFactory {
        private static final long serialVersionUID = 1L;

        public Disk {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public ResponseCache open() {
            return TieredCache.open(Path.of(directory));
        }
    }
}
