package dev.dspy4j.lm.upload;

import dev.dspy4j.media.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One payload uploaded to one provider account, as {@link UploadRegistry} records it. Holds no
 * secret: the account is a base URL without credentials, and the API key is never recorded.
 */
public record Upload(
        String provider, String account, Digest digest, String fileId, long bytes, Instant created, Instant expires) {
    /**
     * Checks that every component but {@code expires} is non-null.
     *
     * @param provider {@code openai}, {@code anthropic}, {@code gemini}
     * @param account  the API base URL without credentials or query ({@link Uploads#account})
     * @param digest   the payload's SHA-256
     * @param fileId   the id requests refer to it by (for Gemini, the file URI)
     * @param bytes    the payload's size
     * @param created  when it was uploaded
     * @param expires  when the provider deletes it, or null if it keeps it until deleted
     */
    public Upload {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(fileId, "fileId");
        Objects.requireNonNull(created, "created");
    }

    /**
     * {@return true if the provider still keeps it at {@code now} plus {@code margin} (always, without an expiry)}
     *
     * @param now the current time
     * @param margin how long it must still be kept after {@code now}
     */
    public boolean usableAt(Instant now, Duration margin) {
        return expires == null || expires.isAfter(now.plus(margin));
    }

    /** {@return the key it is registered under} */
    public Key key() {
        return new Key(provider, account, digest);
    }

    /** What an upload is registered under: one payload at one provider account. */
    public record Key(String provider, String account, Digest digest) {
        /**
         * Checks that no component is null.
         *
         * @param provider {@code openai}, {@code anthropic}, {@code gemini}
         * @param account  the API base URL without credentials or query ({@link Uploads#account})
         * @param digest   the payload's SHA-256
         */
        public Key {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(digest, "digest");
        }

        /** {@return provider, account and the digest's short hex, for messages} */
        @Override
        public String toString() {
            return provider + " " + account + " " + digest.shortHex();
        }
    }
}
