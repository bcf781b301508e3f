package dev.dspy4j.spark;

import dev.dspy4j.cache.TieredCache;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.redis.RedisCache;
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

    /**
     * Opens the cache; called on an executor.
     *
     * @return a new cache, which the executor keeps for the rest of its life (one per run)
     * @throws RuntimeException if it cannot be opened (the run then goes on without a cache, with a warning)
     */
    ResponseCache open();

    /** The accepted forms, for error messages. */
    String FORMS = "redis://host:port[/db] (or rediss:// for TLS), a folder path, or file:/path";

    /**
     * A cache from its command-line form: {@code redis://host:port[/db]} or {@code rediss://...} for the
     * Redis every executor shares ({@link Redis}), or a folder path ({@code /var/cache/dspy4j},
     * {@code file:/var/cache/dspy4j}) for the on-disk cache of each executor machine ({@link Disk}).
     *
     * @param spec the {@code --cache} value; not null
     * @return the factory for that cache (nothing is opened yet)
     * @throws IllegalArgumentException for a form that is not accepted, naming the accepted ones
     */
    static CacheFactory parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.isBlank()) throw new IllegalArgumentException("--cache is empty; expected " + FORMS);
        String lower = spec.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("redis://") || lower.startsWith("rediss://")) return new Redis(spec);
        if (lower.startsWith("file:")) {
            try {
                return new Disk(Path.of(java.net.URI.create(spec)).toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--cache '" + spec + "': not a file URI (" + e.getMessage() + "); expected " + FORMS, e);
            }
        }
        if (spec.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            throw new IllegalArgumentException("--cache '" + spec + "': unknown scheme; expected " + FORMS);
        }
        return new Disk(spec);
    }

    /**
     * {@link RedisCache} at {@code uri}, shared by every executor of every job that uses it: a rerun, a
     * retried task or a second job costs no call for a row answered anywhere, and identical calls in
     * flight on several executors are made once (a lease in Redis). A Redis that is down turns into
     * misses, with one warning per executor, and never fails a row. Put the password in the
     * {@value RedisCache#PASSWORD_ENV} variable of the executors rather than in the URI (the URI is
     * part of the task settings).
     *
     * @param uri {@code redis://host:port[/db]} or {@code rediss://...}, with an optional user and password
     * @serial exclude (Spark ships it with the task settings between JVMs of one dspy4j version; not a stored form)
     */
    @SuppressWarnings("InvalidBlockTag") // @serial is javadoc's (serialized form); Error Prone does not expect it here
    record Redis(String uri) implements CacheFactory {
        private static final long serialVersionUID = 1L;

        /**
         * Checks the URI on the driver, where a mistake is cheap.
         *
         * @param uri the Redis URI; not null
         * @throws IllegalArgumentException naming the URI (password masked) if {@link RedisCache} refuses it
         */
        public Redis {
            Objects.requireNonNull(uri, "uri");
            RedisCache.builder().uri(uri); // the URI is checked on the driver, where a mistake is cheap
        }

        @Override
        public ResponseCache open() {
            return RedisCache.builder().uri(uri).build();
        }

        /** The URI with its password masked. */
        @Override
        public String toString() {
            return "Redis[" + uri.replaceFirst("(://[^:/@]*:)[^@/]*@", "$1***@") + "]";
        }
    }

    /**
     * The on-disk cache ({@link TieredCache}: memory in front of SQLite) in {@code directory} on each
     * executor machine; executors on one machine share it.
     *
     * @param directory the cache folder on every executor machine, created if missing
     * @serial exclude (Spark ships it with the task settings between JVMs of one dspy4j version; not a stored form)
     */
    @SuppressWarnings("InvalidBlockTag") // @serial is javadoc's (serialized form); Error Prone does not expect it here
    record Disk(String directory) implements CacheFactory {
        private static final long serialVersionUID = 1L;

        /**
         * Checks that the directory is given; it is opened on the executors only.
         *
         * @param directory the cache folder; not null
         */
        public Disk {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public ResponseCache open() {
            return TieredCache.open(Path.of(directory));
        }
    }
}
