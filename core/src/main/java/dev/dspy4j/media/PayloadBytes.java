package dev.dspy4j.media;

import dev.dspy4j.media.PayloadSources.BytesSource;
import dev.dspy4j.media.PayloadSources.RecordSource;
import dev.dspy4j.media.PayloadSources.SizeCheckingStream;
import dev.dspy4j.media.PayloadSources.SourceChangedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;

/**
 * Every read of a {@link Payload}'s bytes after it was created: the one digest pass and the streams to
 * the wire. Bytes on the heap are read in place; any other source is checked for changes and read
 * through a {@link SizeCheckingStream}, so a source that yields other bytes than it was loaded with
 * fails instead of being sent under the old digest.
 */
final class PayloadBytes {
    private static final int BUFFER = 64 * 1024;

    private PayloadBytes() {}

    /** The SHA-256 of {@code size} bytes of {@code source}; see {@link Payload#digest()}. */
    static Digest sha256(PayloadSource source, long size) {
        if (source instanceof RecordSource r) {
            throw new PayloadException(r.describe() + " is kept without its bytes (a record of a call), and its digest"
                    + " was not computed before");
        }
        MessageDigest md = Digest.sha256();
        if (source instanceof BytesSource b) {
            md.update(b.bytes());
            return Digest.finish(md);
        }
        byte[] buf = new byte[(int) Math.min(BUFFER, size)];
        try (InputStream in = open(source, size)) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
        } catch (SourceChangedException e) {
            throw new PayloadException(e.getMessage(), e);
        } catch (IOException e) {
            throw new PayloadException(source.describe() + " cannot be read: " + e.getMessage(), e);
        }
        return Digest.finish(md);
    }

    /** See {@link Payload#openStream()}. */
    static InputStream open(PayloadSource source, long size) {
        if (source instanceof BytesSource b) {
            return new ByteArrayInputStream(b.bytes());
        }
        try {
            source.checkUnchanged();
            return new SizeCheckingStream(source.open(), size, source);
        } catch (SourceChangedException e) {
            throw new PayloadException(e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new PayloadException(source.describe() + " no longer exists", e);
        } catch (IOException e) {
            throw new PayloadException(source.describe() + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** See {@link Payload#writeTo(OutputStream)}. */
    static void writeTo(PayloadSource source, long size, OutputStream out) throws IOException {
        if (source instanceof BytesSource b) {
            out.write(b.bytes());
            return;
        }
        try (InputStream in = open(source, size)) {
            byte[] buf = new byte[(int) Math.min(BUFFER, size)];
            int n;
            while (true) {
                try {
                    n = in.read(buf);
                } catch (SourceChangedException e) {
                    throw new PayloadException(e.getMessage(), e);
                }
                if (n < 0) break;
                out.write(buf, 0, n);
            }
        }
    }

    /** See {@link Payload#readAllBytes()}. */
    static byte[] readAll(PayloadSource source, long size) {
        if (source instanceof BytesSource b) {
            return b.bytes().clone();
        }
        try (InputStream in = open(source, size)) {
            return in.readAllBytes();
        } catch (SourceChangedException e) {
            throw new PayloadException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
