package dev.dspy4j.lm.upload;

import dev.dspy4j.media.Payload;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What was uploaded where: (provider, account, payload digest) to (file id, size, created, expiry),
 * so each payload crosses the wire once per provider account.
 *
 * <p>Two implementations: {@link MemoryUploadRegistry} (one process, forgotten at exit) and
 * {@link SqliteUploadRegistry} (a table in the response cache's SQLite file, shared by the threads and
 * processes that open it). In both, threads (and, for the SQLite one, processes) that need the same
 * upload at the same time make one: the first uploads, the others wait for its id.
 *
 * <p>An upload counts as usable until {@link #expiryMargin()} before the provider deletes it; after
 * that it is made again. Nothing here holds a secret: the account is a base URL without credentials
 * ({@link Uploads#account}), and API keys are never recorded. Implementations are thread-safe.
 */
public interface UploadRegistry extends AutoCloseable {

    /** The default {@link #expiryMargin()}: one hour. */
    Duration DEFAULT_EXPIRY_MARGIN = Duration.ofHours(1);

    /**
     * {@return the usable upload registered under {@code key} (made by any thread, or process sharing
     * the registry), or null} Reads no payload bytes.
     *
     * @param key provider, account and payload digest
     */
    Upload find(Upload.Key key);

    /**
     * {@return the usable upload registered under {@code key}, made first with {@code upload} if there
     * is none} Only one caller per key uploads at a time; the others wait for its result (and make it
     * themselves if it fails).
     *
     * @param key provider, account and payload digest
     * @param bytes the payload's size, recorded when the provider reports none
     * @param upload uploads the payload and describes the file; runs at most once per call
     * @throws RuntimeException what {@code upload} throws, for the caller that ran it and those waiting on it
     */
    Upload ensure(Upload.Key key, long bytes, Supplier<RemoteFile> upload);

    /**
     * Uploads {@code payload} through {@code files} unless it already was: {@link #ensure} under the
     * key ({@code files.provider()}, {@code files.account()}, the payload's digest).
     *
     * @param files the account's Files API
     * @param payload the payload to upload
     * @param filename the name the provider records for it
     * @return the usable upload
     */
    default Upload ensure(FilesApi files, Payload payload, String filename) {
        Upload.Key key = new Upload.Key(files.provider(), files.account(), payload.digest());
        return ensure(key, payload.size(), () -> files.upload(payload, filename));
    }

    /**
     * Forgets the upload under {@code key} if it still has {@code fileId} (the provider no longer knows
     * the id), so the next {@link #ensure} uploads again. Another id, registered since, is kept.
     *
     * @param key provider, account and payload digest
     * @param fileId the id the provider did not know
     */
    void forget(Upload.Key key, String fileId);

    /** {@return every recorded upload (usable or not), oldest first} */
    List<Upload> list();

    /**
     * Removes the record under {@code key} (not the file at the provider).
     *
     * @param key provider, account and payload digest
     * @return false if there was none
     */
    boolean remove(Upload.Key key);

    /** {@return how long before its expiry an upload stops being used (it is made again)} */
    Duration expiryMargin();

    /** Releases the registry's resources (for the SQLite one, its connection). Idempotent. */
    @Override
    void close();

    /**
     * Something that keeps an upload registry beside it: a disk response cache keeps one in its SQLite
     * file, and an LM with uploads on and such a cache uses it.
     */
    interface Source {
        /** {@return the registry kept beside this, opened on first use and closed with it} */
        UploadRegistry uploadRegistry();
    }
}
