package dev.dspy4j.lm.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A JSON request body that is written while it is sent. A writer thread (from the given executor)
 * runs the codec's Jackson generator into a bounded pipe; the HTTP client reads the pipe. At most
 * the pipe's capacity plus the generator's and base64 encoder's small buffers are held at any time,
 * however large the payloads.
 *
 * <p>The body can be sent any number of times: every subscription by the HTTP client (a retry, or
 * the client's own resend) runs the codec again from the start. The length is computed before the
 * first send by running the codec once into a counter, with payloads counted from their sizes
 * instead of read; if a part's length cannot be known without reading it (a text document, escaped
 * while read), the body is sent with chunked transfer encoding instead.
 */
public final class StreamingBody {

    /** Writes one request body; called once per send, so it must write the same bytes every time. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the body.
         *
         * @param body the body to write into
         * @throws IOException if a payload cannot be read or the body cannot be written
         */
        void write(JsonBody body) throws IOException;
    }

    private final ObjectMapper mapper;
    /** The codec; cleared by {@link #release()}, so an HTTP client that keeps the request keeps no payload. */
    private volatile Writer writer;

    private final Executor executor;
    private final int pipeBytes;
    private final long contentLength;

    /**
     * @param mapper    supplies the JSON factory (and the codec for {@code writeObject})
     * @param writer    the codec
     * @param executor  runs the writer threads
     * @param pipeBytes the pipe capacity
     * @throws IOException if the counting pass fails
     */
    public StreamingBody(ObjectMapper mapper, Writer writer, Executor executor, int pipeBytes) throws IOException {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.executor = Objects.requireNonNull(executor, "executor");
        if (pipeBytes < 1024) throw new IllegalArgumentException("pipeBytes must be at least 1024, not " + pipeBytes);
        this.pipeBytes = pipeBytes;
        this.contentLength = count();
    }

    /** {@return the exact length in bytes, or -1 if it is sent chunked} */
    public long contentLength() {
        return contentLength;
    }

    /**
     * Writes the whole body into {@code out} on the calling thread (for tests and tools).
     *
     * @param out where the body goes; not closed
     * @throws IOException if the body was released, a payload cannot be read or writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        Writer w = writer;
        if (w == null) throw new IOException("the request body was released when its exchange ended");
        try (JsonGenerator g = generator(out)) {
            w.write(new JsonBody(g, out, null));
        }
    }

    /**
     * Drops the codec (and with it the request and its payloads) once the exchange is over: the JDK
     * HTTP client may keep a finished request, and its body publisher, reachable from a pooled
     * connection, which would otherwise keep the last request's in-memory payloads alive. The body
     * cannot be sent again after this.
     */
    public void release() {
        writer = null;
    }

    private long count() throws IOException {
        JsonBody.CountingOutputStream counter = new JsonBody.CountingOutputStream();
        try (JsonGenerator g = generator(counter)) {
            writer.write(new JsonBody(g, counter, counter));
        } catch (JsonBody.UncountableException e) {
            return -1;
        }
        return counter.count();
    }

    private JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return g;
    }

    /** {@return a new attempt: its publisher, and the clean-up of every writer it started} */
    public Attempt attempt() {
        return new Attempt();
    }

    /**
     * One send of the body. Closing it stops its writer threads (if the HTTP client gave up
     * reading, a blocked writer is released) so that none outlives the attempt.
     */
    public final class Attempt implements AutoCloseable {
        private final List<BoundedPipe> pipes = new ArrayList<>();
        private Throwable failure;
        private boolean closed;

        private Attempt() {}

        /** {@return the body publisher for {@link HttpRequest.Builder#POST}} */
        public HttpRequest.BodyPublisher publisher() {
            // reuses drained buffers instead of allocating one per chunk (see RecyclingBodyPublisher)
            return new RecyclingBodyPublisher(this::open, contentLength);
        }

        /** {@return the first error a writer thread hit (a payload that could not be read, ...), or null} */
        public synchronized Throwable failure() {
            return failure;
        }

        private InputStream open() {
            BoundedPipe pipe = new BoundedPipe(pipeBytes);
            synchronized (this) {
                if (closed) {
                    pipe.abandon();
                    return pipe.source;
                }
                pipes.add(pipe);
            }
            try {
                executor.execute(() -> produce(pipe));
            } catch (RejectedExecutionException e) {
                fail(pipe, e);
            }
            return pipe.source;
        }

        private void produce(BoundedPipe pipe) {
            try {
                writeTo(pipe.sink);
                pipe.sink.close();
            } catch (Throwable t) {
                fail(pipe, t);
            }
        }

        private void fail(BoundedPipe pipe, Throwable t) {
            synchronized (this) {
                // a write failing because the HTTP client stopped reading is a consequence, not a cause
                if (!closed && failure == null && !(t instanceof IOException && isAbandoned(pipe))) failure = t;
            }
            pipe.fail(t);
        }

        private boolean isAbandoned(BoundedPipe pipe) {
            return pipe.isAbandoned();
        }

        @Override
        public void close() {
            List<BoundedPipe> all;
            synchronized (this) {
                closed = true;
                all = List.copyOf(pipes);
            }
            for (BoundedPipe p : all) p.abandon();
        }
    }
}
