package dev.dspy4j.lm.http;

import dev.dspy4j.media.Payload;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A {@code multipart/form-data} request body (RFC 7578) whose file parts stream from their source
 * while the body is sent: a payload is read from its stream (its bytes are never copied onto the
 * heap), and a written part runs its writer into a bounded pipe. Each send (a retry too) reads the
 * sources again from the start. The length is exact when every file part's size is known (a
 * payload), else the body is sent chunked.
 *
 * <p>Hand-written because {@code java.net.http} has no multipart support and the libraries that do
 * (Apache HttpClient's mime module, OkHttp) bring their own HTTP stack; the format is the few lines of
 * boundary text below. The boundary is 32 random hex digits after {@code dspy4j-}; a quote, CR or LF
 * in a name is written as {@code %22}, {@code %0D}, {@code %0A} (as browsers do).
 */
public final class Multipart {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes a file part's content; called once per send, so it must write the same bytes every time. */
    @FunctionalInterface
    public interface ContentWriter {
        /**
         * Writes the content.
         *
         * @param out the part's stream; not to be closed
         * @throws IOException if the content cannot be written (the send fails)
         */
        void write(OutputStream out) throws IOException;
    }

    private sealed interface Segment permits Bytes, FromPayload, Written {}

    @SuppressWarnings("ArrayRecordComponent") // a fixed piece of the body, written as is; never compared
    private record Bytes(byte[] bytes) implements Segment {}

    private record FromPayload(Payload payload) implements Segment {}

    private record Written(ContentWriter writer) implements Segment {}

    private final String boundary;
    private final List<Segment> segments;
    private final long length;

    private Multipart(String boundary, List<Segment> segments) {
        this.boundary = boundary;
        this.segments = List.copyOf(segments);
        long n = 0;
        for (Segment s : segments) {
            if (s instanceof Bytes b) n += b.bytes().length;
            else if (s instanceof FromPayload p) n += p.payload().size();
            else n = Long.MIN_VALUE;
        }
        this.length = n < 0 ? -1 : n;
    }

    /** {@return a builder of a new body with a random boundary} */
    public static Builder builder() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return new Builder("dspy4j-" + HexFormat.of().formatHex(b));
    }

    /** {@return the {@code Content-Type} header value: {@code multipart/form-data; boundary=...}} */
    public String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** {@return the boundary: {@code dspy4j-} and 32 random hex digits} */
    public String boundary() {
        return boundary;
    }

    /** {@return the exact length in bytes, or -1 if a part's length is known only once written (sent chunked)} */
    public long contentLength() {
        return length;
    }

    /**
     * {@return a publisher that streams the body, from the start on each subscription}
     *
     * @param executor runs the writers of written parts
     * @param pipeBytes the capacity of the pipe a written part goes through
     */
    public HttpRequest.BodyPublisher publisher(Executor executor, int pipeBytes) {
        Objects.requireNonNull(executor, "executor");
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            if (s instanceof Bytes b) {
                parts.add(HttpRequest.BodyPublishers.ofByteArray(b.bytes()));
            } else if (s instanceof FromPayload p) {
                Payload payload = p.payload();
                parts.add(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(payload::openStream), payload.size()));
            } else if (s instanceof Written w) {
                parts.add(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    BoundedPipe pipe = new BoundedPipe(pipeBytes);
                    executor.execute(() -> {
                        try (OutputStream out = pipe.sink) {
                            w.writer().write(out);
                        } catch (Throwable t) {
                            pipe.fail(t);
                        }
                    });
                    return pipe.source;
                }));
            }
        }
        return HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new));
    }

    /**
     * Writes the whole body to {@code out} (tests, and servers that want it in one piece).
     *
     * @param out where the body goes; not closed
     * @throws IOException if reading a source or writing fails
     */
    public void writeTo(OutputStream out) throws IOException {
        for (Segment s : segments) {
            if (s instanceof Bytes b) out.write(b.bytes());
            else if (s instanceof FromPayload p) p.payload().writeTo(out);
            else if (s instanceof Written w) w.writer().write(out);
        }
    }

    /** Builds a {@link Multipart} body; parts are sent in the order they are added. */
    public static final class Builder {
        private final String boundary;
        private final List<Segment> segments = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();

        Builder(String boundary) {
            if (!boundary.matches("[0-9A-Za-z'()+_,./:=?-]{1,70}")) {
                throw new IllegalArgumentException("'" + boundary
                        + "' is not a multipart boundary (RFC 2046: 1 to 70 of" + " letters, digits and '()+_,-./:=?)");
            }
            this.boundary = boundary;
        }

        /**
         * Adds a text field.
         *
         * @param name the field name
         * @param value its value, sent as UTF-8
         * @return this builder
         */
        public Builder field(String name, String value) {
            Objects.requireNonNull(value, "value of field " + name);
            head(name, null, null);
            text.append(value).append("\r\n");
            return this;
        }

        /**
         * Adds a file part streamed from a payload (its exact length known).
         *
         * @param name the field name, e.g. {@code file}
         * @param filename the file name sent in {@code Content-Disposition}
         * @param contentType the part's {@code Content-Type}
         * @param payload the content, read from its stream on each send
         * @return this builder
         */
        public Builder file(String name, String filename, String contentType, Payload payload) {
            Objects.requireNonNull(payload, "payload");
            head(name, filename, contentType);
            flush();
            segments.add(new FromPayload(payload));
            text.append("\r\n");
            return this;
        }

        /**
         * Adds a file part written while it is sent (its length unknown, so the body goes chunked).
         *
         * @param name the field name, e.g. {@code file}
         * @param filename the file name sent in {@code Content-Disposition}
         * @param contentType the part's {@code Content-Type}
         * @param writer writes the content, once per send
         * @return this builder
         */
        public Builder file(String name, String filename, String contentType, ContentWriter writer) {
            Objects.requireNonNull(writer, "writer");
            head(name, filename, contentType);
            flush();
            segments.add(new Written(writer));
            text.append("\r\n");
            return this;
        }

        /** {@return the body, with the parts added so far} */
        public Multipart build() {
            text.append("--").append(boundary).append("--\r\n");
            flush();
            return new Multipart(boundary, segments);
        }

        private void head(String name, String filename, String contentType) {
            Objects.requireNonNull(name, "name");
            text.append("--").append(boundary).append("\r\n");
            text.append("Content-Disposition: form-data; name=\"")
                    .append(quoted(name))
                    .append('"');
            if (filename != null)
                text.append("; filename=\"").append(quoted(filename)).append('"');
            text.append("\r\n");
            if (contentType != null) {
                if (contentType.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    throw new IllegalArgumentException("content type '" + contentType + "' has a control character");
                }
                text.append("Content-Type: ").append(contentType).append("\r\n");
            }
            text.append("\r\n");
        }

        private void flush() {
            if (text.length() > 0) {
                segments.add(new Bytes(text.toString().getBytes(StandardCharsets.UTF_8)));
                text.setLength(0);
            }
        }

        private static String quoted(String s) {
            return s.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
        }
    }
}
