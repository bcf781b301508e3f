package dev.dspy4j.lm.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed-size ring buffer between one writing thread and one reading thread. Unlike
 * {@link java.io.PipedInputStream} it does not depend on which threads read (the HTTP client reads
 * from its own pool), wakes the reader as soon as bytes arrive, and either side can end it: the
 * writer by closing or failing its stream, the reader by closing its stream, which makes the next
 * write fail so that a blocked writer never hangs.
 */
final class BoundedPipe {
    private final byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int readPos;
    private int count;
    private boolean writerClosed;
    private boolean readerClosed;
    private Throwable failure;

    final OutputStream sink = new Sink();
    final InputStream source = new Source();

    BoundedPipe(int capacity) {
        this.ring = new byte[capacity];
    }

    /** Ends the pipe from the writing side with an error; the reader sees it as an IOException. */
    void fail(Throwable t) {
        lock.lock();
        try {
            if (failure == null) failure = t;
            writerClosed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the pipe from the reading side; a blocked or later write fails. */
    void abandon() {
        lock.lock();
        try {
            readerClosed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True once the reading side has closed. */
    boolean isAbandoned() {
        lock.lock();
        try {
            return readerClosed;
        } finally {
            lock.unlock();
        }
    }

    private final class Sink extends OutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                lock.lock();
                try {
                    while (count == ring.length && !readerClosed) {
                        notFull.await();
                    }
                    if (readerClosed) throw new IOException("the HTTP client stopped reading the request body");
                    if (writerClosed) throw new IOException("request body stream already closed");
                    int writePos = (readPos + count) % ring.length;
                    int n = Math.min(len, Math.min(ring.length - count, ring.length - writePos));
                    System.arraycopy(b, off, ring, writePos, n);
                    count += n;
                    off += n;
                    len -= n;
                    notEmpty.signal();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while writing the request body");
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                writerClosed = true;
                notEmpty.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private final class Source extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            lock.lock();
            try {
                while (count == 0 && !writerClosed && !readerClosed) {
                    notEmpty.await();
                }
                if (readerClosed) throw new IOException("request body stream closed");
                if (count == 0) {
                    if (failure != null) throw new IOException("writing the request body failed: " + failure, failure);
                    return -1;
                }
                int n = Math.min(len, Math.min(count, ring.length - readPos));
                System.arraycopy(ring, readPos, b, off, n);
                readPos = (readPos + n) % ring.length;
                count -= n;
                notFull.signal();
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading the request body");
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return count;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            abandon();
        }
    }
}
