package dev.dspy4j.cli;

import dev.dspy4j.lm.upload.RemoteFile;
import dev.dspy4j.lm.upload.Upload;
import dev.dspy4j.lm.upload.UploadRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An upload registry that counts the uploads this process makes through it, and their bytes, for the
 * run summary: an upload is counted when the registry runs its upload step and that step returns, so
 * payloads found in the registry (uploaded by an earlier run, or by another thread or process sharing it)
 * are not counted. Everything else is the registry's.
 */
final class CountedUploads implements UploadRegistry {
    private final UploadRegistry registry;
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    CountedUploads(UploadRegistry registry) {
        this.registry = registry;
    }

    /** {@return the uploads made through this registry} */
    long files() {
        return files.get();
    }

    /** {@return the bytes of the payloads uploaded through this registry} */
    long bytes() {
        return bytes.get();
    }

    @Override
    public Upload find(Upload.Key key) {
        return registry.find(key);
    }

    @Override
    public Upload ensure(Upload.Key key, long size, Supplier<RemoteFile> upload) {
        return registry.ensure(key, size, () -> {
            RemoteFile f = upload.get();
            files.incrementAndGet();
            bytes.addAndGet(size);
            return f;
        });
    }

    @Override
    public void forget(Upload.Key key, String fileId) {
        registry.forget(key, fileId);
    }

    @Override
    public List<Upload> list() {
        return registry.list();
    }

    @Override
    public boolean remove(Upload.Key key) {
        return registry.remove(key);
    }

    @Override
    public Duration expiryMargin() {
        return registry.expiryMargin();
    }

    @Override
    public void close() {
        registry.close();
    }
}
