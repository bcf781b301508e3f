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
 * ({@link DiskCache#recordAccess}) so that the disk's least-recently-used eviction sees it. The disk layer is shared with other processes, the memory
 * layer is private to this one. A disk failure (for example a lock held by another process for
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
    private final CacheListener listener;

    private TieredCache(MemoryCache memory, DiskCache disk, CacheListener listener) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.disk = Objects.requireNonNull(disk, "disk");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** A tiered cache over these two layers (closing it closes both). */
    public static TieredCache of(MemoryCache memory, DiskCache disk) {
        return new TieredCache(memory, disk, CacheListener.NONE);
    }

    /** A tiered cache over these two layers whose absorbed disk failures are told to {@code listener}. */
    public static TieredCache of(MemoryCache memory, DiskCache disk, CacheListener listener) {
        return new TieredCache(memory, disk, listener);
    }

    /** A tiered cache on {@code directory} with the default sizes. */
    public static TieredCache open(Path directory) {
        return builder().directory(directory).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The memory layer. */
    public MemoryCache memory() {
        return memory;
    }

    /** The disk layer. */
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
        try {
            listener.failed(new CacheFailure(op, e.getMessage(), e));
        } catch (RuntimeException le) {
            log.warn("the cache listener failed: {}", le.toString());
        }
    }

    /** Removes the entry from both layers; true if either had it. */
    public boolean remove(CacheKey key) {
        boolean m = memory.remove(key);
        boolean d = disk.remove(key);
        return m || d;
    }

    /** Empties both layers; returns how many entries the disk layer held. */
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
         */
        public Builder listener(CacheListener l) {
            this.listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        /** Whether opening checks the disk file for damage (default true); see {@link DiskCache.Builder#checkOnOpen}. */
        public Builder checkOnOpen(boolean on) {
            this.checkOnOpen = on;
            return this;
        }

        /** The directory of the disk layer (default {@link Caches#defaultDirectory()}). */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "directory");
            return this;
        }

        /** The memory layer's limit (default 64 MiB). */
        public Builder memoryBytes(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("memoryBytes must be positive, not " + bytes);
            this.memoryBytes = bytes;
            return this;
        }

        /** The disk layer's limit (default 1 GiB). */
        public Builder diskBytes(long bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("diskBytes must be positive, not " + bytes);
            this.diskBytes = bytes;
            return this;
        }

        /**
         * Opens the cache.
         *
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
