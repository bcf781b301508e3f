package dev.dspy4j.lm.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a {@code text/event-stream} body into events, per the HTML standard's rules: lines end with
 * {@code \r\n}, {@code \n} or {@code \r} (also when a {@code \r\n} is split between two reads), a
 * leading byte-order mark is skipped, {@code data:} lines of an event are joined with {@code \n},
 * {@code event:} names it (an empty name is {@code message}), a blank line ends it, lines starting
 * with {@code :} are comments, a single space after the colon is dropped, other fields ({@code id},
 * {@code retry}) are ignored, and an event not ended by a blank line when the stream ends is dropped.
 *
 * <p>Bytes are counted as they are read, before a line is kept, so a body past {@code maxBytes} fails
 * at that point however it is shaped (one endless line included) and memory stays bounded by the limit.
 *
 * <p>Hand-written (about 100 lines) because the JDK HTTP client has no SSE support and the well-kept
 * SSE clients (OkHttp's {@code okhttp-sse}, LaunchDarkly's {@code okhttp-eventsource}) bring their own
 * HTTP client, which would bypass the streamed request bodies, limits and error handling of
 * {@link HttpLanguageModel}.
 */
final class SseReader {
    /** Receives each event; returns false to stop reading. */
    @FunctionalInterface
    interface Handler {
        boolean onEvent(String event, String data) throws IOException;
    }

    private final InputStream in;
    private final long maxBytes;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int end;
    private long bytes;
    private boolean afterCr;
    private boolean first = true;
    private byte[] line = new byte[256];
    private int lineLength;

    SseReader(InputStream body, long maxBytes) {
        this.in = body;
        this.maxBytes = maxBytes;
    }

    /** Bytes read so far. */
    long bytesRead() {
        return bytes;
    }

    /**
     * Reads events until the handler returns false or the stream ends.
     *
     * @throws LimitedBody.TooLarge past {@code maxBytes} bytes
     */
    void read(Handler handler) throws IOException {
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = nextLine()) != null) {
            if (line.isEmpty()) {
                if (data != null
                        && !handler.onEvent(event == null || event.isEmpty() ? "message" : event, data.toString())) {
                    return;
                }
                event = null;
                data = null;
                continue;
            }
            if (line.charAt(0) == ':') continue;
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            if (field.equals("data")) {
                if (data == null) data = new StringBuilder(value);
                else data.append('\n').append(value);
            } else if (field.equals("event")) {
                event = value;
            }
        }
    }

    /** The next line without its end, or null at the end of the stream (a last unterminated line is dropped). */
    private String nextLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (pos == end) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) return null;
                bytes += n;
                if (bytes > maxBytes) {
                    throw new LimitedBody.TooLarge("the streamed response is larger than " + maxBytes + " bytes");
                }
                pos = 0;
                end = n;
            }
            byte b = buf[pos++];
            if (afterCr) {
                afterCr = false;
                if (b == '\n') continue; // the \n of a \r\n
            }
            if (b == '\r' || b == '\n') {
                afterCr = b == '\r';
                String s = new String(line, 0, lineLength, StandardCharsets.UTF_8);
                if (first) {
                    first = false;
                    if (s.startsWith("\uFEFF")) s = s.substring(1);
                }
                return s;
            }
            if (lineLength == line.length) line = Arrays.copyOf(line, line.length * 2);
            line[lineLength++] = b;
        }
    }
}
