package dev.dspy4j.lm.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The request body as a provider codec writes it: a Jackson streaming generator over the HTTP
 * request stream, plus the two ways a payload goes into the JSON. {@link #base64String} writes a
 * string value whose base64 is encoded from the payload's bytes as they are read;
 * {@link #utf8String} writes a string value decoded from a UTF-8 payload as it is read. Neither
 * builds a base64 string, a data URI or the body in memory.
 */
public final class JsonBody {

    /** Thrown in a length-counting pass when a part's encoded length cannot be known without reading it. */
    static final class UncountableException extends IOException {
        private static final long serialVersionUID = 1L;

        UncountableException() {
            super("the body length is not known before writing");
        }
    }

    /** Large reads: fewer calls into the payload's stream (each may allocate a little). */
    private static final int READ_BUFFER = 48 * 1024;

    private byte[] readBuffer;
    private final JsonGenerator json;
    private final OutputStream raw;
    private final CountingOutputStream counter;

    /**
     * @param json    the generator, writing into {@code raw}
     * @param raw     the stream under the generator
     * @param counter non-null in a counting pass: payload bytes are counted, not read
     */
    JsonBody(JsonGenerator json, OutputStream raw, CountingOutputStream counter) {
        this.json = json;
        this.raw = raw;
        this.counter = counter;
    }

    /** {@return the generator to write ordinary JSON with (fields, objects, arrays)} */
    public JsonGenerator json() {
        return json;
    }

    /** Writes one part of a message in a provider's wire shape. */
    @FunctionalInterface
    public interface PartWriter {
        /**
         * Writes {@code part} as one element of a message's content list.
         *
         * @param body the body being written
         * @param part the part
         * @throws IOException if the part's payload cannot be read or the body cannot be written
         */
        void write(JsonBody body, Part part) throws IOException;
    }

    /**
     * Writes one message object, {@code {"role":...,"content":...}}: a message that is a single text
     * part has a plain string {@code content}, any other a list of parts, each written by {@code parts}.
     *
     * @param m the message; its role is written as {@link dev.dspy4j.prompt.Role#wireName()}
     * @param parts writes each part of a message that is not a single text
     * @throws IOException if the payload cannot be read or the body cannot be written
     */
    public void message(Message m, PartWriter parts) throws IOException {
        json.writeStartObject();
        json.writeStringField("role", m.role().wireName());
        if (m.isText()) {
            json.writeStringField("content", m.text());
        } else {
            json.writeArrayFieldStart("content");
            for (Part part : m.parts()) {
                parts.write(this, part);
            }
            json.writeEndArray();
        }
        json.writeEndObject();
    }

    /**
     * Writes a JSON string value made of {@code prefix} followed by the base64 (standard alphabet,
     * padded, no line breaks) of the payload's bytes, e.g. a data URI with the prefix
     * {@code data:image/png;base64,}. Call where a value is expected (after a field name, or in an
     * array).
     *
     * @param prefix printable ASCII text without quotes or backslashes (it is written as is)
     * @param payload the bytes to encode, read from its stream (counted from its size in a counting pass)
     * @throws IllegalArgumentException if {@code prefix} is not such text
     * @throws dev.dspy4j.media.PayloadException if the payload's size changed while it was read
     * @throws IOException if the payload cannot be read or the body cannot be written
     */
    public void base64String(String prefix, Payload payload) throws IOException {
        checkPlainAscii(prefix);
        json.writeRawValue("\"" + prefix);
        json.flush();
        if (counter != null) {
            counter.add(base64Length(payload.size()));
        } else {
            OutputStream b64 = Base64.getEncoder().wrap(new NonClosing(raw));
            if (readBuffer == null) readBuffer = new byte[READ_BUFFER];
            long total = 0;
            try (InputStream in = payload.openStream()) {
                int n;
                while ((n = in.read(readBuffer)) > 0) {
                    b64.write(readBuffer, 0, n);
                    total += n;
                }
            }
            if (total != payload.size()) {
                throw new PayloadException(payload.describe() + " changed while it was sent: expected " + payload.size()
                        + " bytes, read " + total);
            }
            b64.close(); // writes the final quantum and padding; the raw stream stays open
        }
        raw.write('"');
    }

    /**
     * Writes field {@code name} with the value {@link #base64String(String, Payload)} writes.
     *
     * @param name the field name
     * @param prefix as for {@link #base64String(String, Payload)}
     * @param payload the bytes to encode
     * @throws IOException if the payload cannot be read or the body cannot be written
     */
    public void base64Field(String name, String prefix, Payload payload) throws IOException {
        json.writeFieldName(name);
        base64String(prefix, payload);
    }

    /**
     * Writes a JSON string value made of {@code prefix} followed by the payload's bytes read as
     * UTF-8 text, escaped for JSON as they are read. Its length cannot be counted without reading it,
     * so a body with such a value is sent chunked.
     *
     * @param prefix text written before the payload's text
     * @param payload a text payload, read as UTF-8
     * @throws IOException if the payload cannot be read or the body cannot be written
     */
    public void utf8String(String prefix, Payload payload) throws IOException {
        if (counter != null) throw new UncountableException();
        InputStream head = new ByteArrayInputStream(prefix.getBytes(StandardCharsets.UTF_8));
        try (Reader r =
                new InputStreamReader(new SequenceInputStream(head, payload.openStream()), StandardCharsets.UTF_8)) {
            json.writeString(r, -1);
        }
    }

    /**
     * {@return the length of the padded base64 encoding of {@code n} bytes: {@code 4 * ceil(n / 3)}}
     *
     * @param n a byte count, at least 0
     */
    public static long base64Length(long n) {
        return (n + 2) / 3 * 4;
    }

    private static void checkPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                throw new IllegalArgumentException("a base64 value prefix must be printable ASCII without quotes or"
                        + " backslashes; character " + i + " of '" + s + "' is not");
            }
        }
    }

    /** Passes writes through; close only flushes, so the base64 encoder can be closed on its own. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** Counts bytes written and bytes announced by {@link #add}, and keeps none. */
    static final class CountingOutputStream extends OutputStream {
        private long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }

        void add(long n) {
            count += n;
        }

        long count() {
            return count;
        }
    }
}
