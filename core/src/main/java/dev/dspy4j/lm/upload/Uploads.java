package dev.dspy4j.lm.upload;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** Helpers shared by the registries and the provider clients. */
public final class Uploads {
    private static final MemoryUploadRegistry PROCESS = new MemoryUploadRegistry();

    private Uploads() {}

    /** {@return the in-memory registry LMs share when their cache keeps none (no disk cache): one per process} */
    public static UploadRegistry processRegistry() {
        return PROCESS;
    }

    /**
     * The account an upload is registered under: the base URL's scheme, host, port and path, without
     * a {@code user:password@} part, query or fragment (any of which may hold a credential), and
     * without a trailing slash; scheme and host in lower case. Batch clients name their account the
     * same way ({@link dev.dspy4j.lm.batch.BatchClient#account()}).
     *
     * @param baseUrl a client's base URL
     * @return the account, e.g. {@code https://api.openai.com/v1}
     */
    public static String account(URI baseUrl) {
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        String host = baseUrl.getHost() == null ? "" : baseUrl.getHost().toLowerCase(Locale.ROOT);
        String port = baseUrl.getPort() < 0 ? "" : ":" + baseUrl.getPort();
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        return scheme + "://" + host + port + path;
    }

    /**
     * The record of a finished upload: the provider's id and expiry, its reported size (else
     * {@code bytes}), and its creation time as reported (else {@code now}); times to the millisecond, as stored.
     */
    static Upload record(Upload.Key key, long bytes, RemoteFile file, Instant now) {
        if (file == null) throw new IllegalStateException("the upload of " + key + " described no file");
        return new Upload(
                key.provider(),
                key.account(),
                key.digest(),
                file.id(),
                file.bytes() >= 0 ? file.bytes() : bytes,
                (file.created() != null ? file.created() : now).truncatedTo(ChronoUnit.MILLIS),
                file.expires() == null ? null : file.expires().truncatedTo(ChronoUnit.MILLIS));
    }
}
