package dev.dspy4j.media;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * Where a {@link Payload}'s bytes come from: bytes on the heap, a file checked for changes around every
 * read, or nothing (a record of a call); and the stream that fails when a source yields other bytes
 * than it was loaded with.
 */
final class PayloadSources {
    private PayloadSources() {}

    /** Bytes on the heap, never copied again. */
    @SuppressWarnings(
            "ArrayRecordComponent") // holds the payload's bytes without copying them (one copy per payload); never
    // compared
    record BytesSource(byte[] bytes, String describe) implements PayloadSource {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }

        @Override
        public String toString() {
            return describe + " (" + bytes.length + " bytes)";
        }
    }

    /** No bytes: what {@link Payload#withoutBytes()} keeps. */
    record RecordSource(String describe) implements PayloadSource {
        @Override
        public long size() {
            return 0;
        }

        @Override
        public InputStream open() throws IOException {
            throw new IOException("its bytes are not kept (a record of a call)");
        }
    }

    /**
     * A file, checked for changes before each read and at the end of it: its size, its modification time
     * and its identity ({@code fileKey}, device and inode on Unix; null where the platform has none). The
     * identity catches a path swapped after loading for a symlink or another file given the same size
     * and time, which would otherwise send a different file's bytes under the digest of the loaded one.
     */
    record FileSource(Path path, long expectedSize, FileTime expectedMtime, Object expectedKey)
            implements PayloadSource {
        static FileSource open(Path path) {
            Objects.requireNonNull(path, "path");
            try {
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    throw new PayloadException("file " + path + " cannot be read: it is "
                            + (a.isDirectory() ? "a directory" : "not a regular file"));
                }
                if (!Files.isReadable(path)) {
                    throw new PayloadException("file " + path + " cannot be read: permission denied");
                }
                return new FileSource(path, a.size(), a.lastModifiedTime(), a.fileKey());
            } catch (NoSuchFileException e) {
                throw new PayloadException("file " + path + " does not exist", e);
            } catch (IOException e) {
                throw new PayloadException("file " + path + " cannot be read: " + e, e);
            }
        }

        @Override
        public long size() {
            return expectedSize;
        }

        @Override
        public InputStream open() throws IOException {
            return Files.newInputStream(path);
        }

        @Override
        public String describe() {
            return "file " + path;
        }

        @Override
        public void checkUnchanged() throws IOException {
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                throw new SourceChangedException("file " + path + " changed after it was loaded: it no longer exists");
            }
            if (expectedKey != null && !expectedKey.equals(a.fileKey())) {
                throw new SourceChangedException(
                        "file " + path + " changed after it was loaded: it is now another file "
                                + "(replaced, or made a link to another file)");
            }
            if (a.size() != expectedSize || !a.lastModifiedTime().equals(expectedMtime)) {
                throw new SourceChangedException("file " + path + " changed after it was loaded (size "
                        + expectedSize + " -> " + a.size() + " bytes, modified " + expectedMtime + " -> "
                        + a.lastModifiedTime() + ")");
            }
        }
    }

    /** Thrown by a source or a stream when the bytes differ from those the payload was created with. */
    static final class SourceChangedException extends IOException {
        private static final long serialVersionUID = 1L;

        SourceChangedException(String message) {
            super(message);
        }
    }

    /** Fails if the underlying stream yields fewer or more than the expected number of bytes. */
    static final class SizeCheckingStream extends FilterInputStream {
        private final long expected;
        private final PayloadSource source;
        private long count;

        SizeCheckingStream(InputStream in, long expected, PayloadSource source) {
            super(in);
            this.expected = expected;
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            account(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            account(n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void account(int n) throws IOException {
            if (n < 0) {
                if (count != expected) {
                    throw new SourceChangedException(source.describe() + " changed after it was loaded: expected "
                            + expected + " bytes, found " + count);
                }
                source.checkUnchanged();
                return;
            }
            count += n;
            if (count > expected) {
                throw new SourceChangedException(source.describe() + " changed after it was loaded: expected "
                        + expected + " bytes, found more");
            }
        }
    }
}
