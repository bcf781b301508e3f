package dev.dspy4j.cache;

import dev.dspy4j.lm.CacheFailure;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.CacheListener;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ResponseCache;
import dev.dspy4j.lm.upload.UploadRegistry;
import java.nio.file.Path;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A memory cache in front of a disk cache: a lookup tries memory, then disk, and a disk hit is
 * copied into memory; a put writes both. A memory hit is reported to the disk layer
 * ({@link DiskCache#recordAccess}) so that the disk's least-recently-used eviction sees it. The disk
 * layer is shared with other processes, the memory layer is private to this one. A disk failure (for example a lock held by another process for
 * longer than the busy timeout) is logged, told to the {@link CacheListener} set with
 * {@link Builder#listener}, and treated as a miss or a skipped write, so it never fails an LM call
 * that the memory layer or the provider can still answer. Thread-safe.
 *
 * <pre>{@code
 * TieredCache cache = TieredCache.builder().directory(Path.of("/tmp/cache")).memoryBytes(32L << 20).build();
 * LanguageModel lm = OpenAiChat.builder().model("gpt-4o-mini").cache(cache).build();
 * }</pre>
 */
public final class TieredCache implements ResponseCache, UploadRegistry.Source {
    private static final Logger log = LoggerFactory.getLogger(TieredCache.class);

    private final MemoryCache memory;
    private final DiskCache disk;
    private final FailureReporter failures;

    private TieredCache(MemoryCache memory, DiskCache disk, CacheListener listener) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.disk = Objects.requireNonNull(disk, "disk");
        this.failures = new FailureReporter(Objects.requireNonNull(listener, "listener"), log, "");
    }

    /**
     * A tiered cache over two open layers; closing it closes both.
     *
     * @param memory the front layer, private to this process
     * @param disk   the back layer, which other processes may share
     * @return the cache, its absorbed disk failures told to no one (they are still logged)
     */
    public static TieredCache of(MemoryCache memory, DiskCache disk) {
        return new TieredCache(memory, disk, CacheListener.NONE);
    }

    /**
     * A tiered cache over two open layers; closing it closes both.
     *
     * @param memory   the front layer, private to this process
     * @param disk     the back layer, which other processes may share
     * @param listener told about each disk failure the cache absorbs
     * @return the cache
     */
    public static TieredCache of(MemoryCache memory, DiskCache disk, CacheListener listener) {
        return new TieredCache(memory, disk, listener);
    }

    /**
     * A tiered cache on {@code directory} with the default sizes (64 MiB in memory, 1 GiB on disk).
     *
     * @param directory the disk layer's directory, created if missing
     * @return the open cache
     * @throws CacheException as {@link Builder#build()}
     */
    public static TieredCache open(Path directory) {
        return builder().directory(directory).build();
    }

    /** {@return a builder with the defaults (the directory defaults to {@link Caches#defaultDirectory()})} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the memory layer} */
    public MemoryCache memory() {
        return memory;
    }

    /** {@return the disk layer} */
    public DiskCache disk() {
        return disk;
    }

    @Override
    public LmResponse get(CacheKey key) {
        LmResponse r = memory.get(key);
        if (r != null) {
            try {
                disk.recordAccess(key); // keeps an entry that is hot in memory from being evicted on disk
            } catch (CacheException e) {
                log.warn("{}; access time not recorded", e.getMessage());
                tell(CacheFailure.Operation.ACCESS_TIME, e);
            }
            return r;
        }
        try {
            r = disk.get(key);
        } catch (CacheException e) {
            log.warn("{}; treated as a miss", e.getMessage());
            tell(CacheFailure.Operation.READ, e);
            return null;
        }
        if (r != null) memory.put(key, r);
        return r;
    }

    @Override
    public void put(CacheKey key, LmResponse response) {
        memory.put(key, response);
        try {
            disk.put(key, response);
        } catch (CacheException e) {
            log.warn("{}; the response is cached in memory only", e.getMessage());
            tell(CacheFailure.Operation.WRITE, e);
        }
    }

    private void tell(CacheFailure.Operation op, CacheException e) {
        failures.tell(op, e.getMessage(), e);
    }

    /**
     * Removes the entry from both layers.
     *
     * @param key the entry's key
     * @return true if either layer had it
     * @throws CacheException if the disk layer fails (the memory layer's entry is gone already)
     */
    public boolean remove(CacheKey key) {
        boolean m = memory.remove(key);
        boolean d = disk.remove(key);
        return m || d;
    }

    /**
     * Empties both layers.
     *
     * @return how many entries the disk layer held
     * @throws CacheException if the disk layer fails
     */
    public long clear() {
        memory.clear();
        return disk.clear();
    }

    /** The disk layer's upload registry (a table in its SQLite file). */
    @Override
    public UploadRegistry uploadRegistry() {
        return disk.uploadRegistry();
    }

    @Override
    public void close() {
        try {
            disk.close();
        } finally {
            memory.close();
        }
    }

    @Override
    public String toString() {
        return "TieredCache[memory " + memory.stats().maxBytes() + " bytes, " + disk + "]";
    }

    /** Configures a {@link TieredCache}. */
    public static final class Builder {
        private Path directory;
        private long memoryBytes = MemoryCache.DEFAULT_MAX_BYTES;
        private long diskBytes = DiskCache.DEFAULT_MAX_BYTES;
        private CacheListener listener = CacheListener.NONE;
        private boolean checkOnOpen = true;

        private Builder() {}

        /**
         * Told about every failure the cache absorbs (disk reads taken as misses, writes kept in memory
         * only, damaged entries); e.g. a {@link CacheFailureCounter} for a run's summary.
         *
         * @param l the listener (default {@link CacheListener#NONE}); a listener that throws is logged
         * @return this builder
         */
        public Builder listener(CacheListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /**
         * Sets whether opening checks the disk file for damage (default true).
         *
         * @param on false to skip the check; see {@link DiskCache.Builder#checkOnOpen}
         * @return this builder
         */
        public Builder checkOnOpen(boolean on) {
            this.checkOnOpen = on;
            return this;
        }

        /**
         * Sets the directory of the disk layer.
         *
         * @param dir created if missing (default {@link Caches#defaultDirectory()})
         * @return this builder
         */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "directory");
            return this;
        }

        /**
         * Sets the memory layer's limit.
         *
         * @param bytes the estimated heap size of the entries, positive (default 64 MiB)
         * @return this builder
         */
        public Builder memoryBytes(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("memoryBytes must be positive, not " + bytes);
            this.memoryBytes = bytes;
            return this;
        }

        /**
         * Sets the disk layer's limit.
         *
         * @param bytes keys and encoded responses, positive (default 1 GiB)
         * @return this builder
         */
        public Builder diskBytes(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("diskBytes must be positive, not " + bytes);
            this.diskBytes = bytes;
            return this;
        }

        /**
         * Opens the cache.
         *
         * @return the open cache
         * @throws CacheNotWritableException if the directory or the file cannot be written
         * @throws CacheCorruptedException    if the disk file is damaged
         * @throws CacheException             if the disk layer cannot be opened
         */
        public TieredCache build() {
            Path dir = directory != null ? directory : Caches.defaultDirectory();
            DiskCache disk = DiskCache.builder()
                    .directory(dir)
                    .maxBytes(diskBytes)
                    .listener(listener)
                    .checkOnOpen(checkOnOpen)
                    .build();
            return new TieredCache(MemoryCache.builder().maxBytes(memoryBytes).build(), disk, listener);
        }
    }
}
