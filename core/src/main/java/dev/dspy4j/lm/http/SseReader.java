package dev.dspy4j.lm.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Splits a {@code text/event-stream} body into events, per the HTML standard's rules: {@code data:}
 * lines of an event are joined with {@code \n}, {@code event:} names it, a blank line ends it, lines
 * starting with {@code :} are comments, a single space after the colon is dropped, other fields
 * ({@code id}, {@code retry}) are ignored. Hand-written (about 60 lines) because the JDK HTTP client
 * has no SSE support and the well-kept SSE clients (OkHttp's {@code okhttp-sse}, LaunchDarkly's
 * {@code okhttp-eventsource}) bring their own HTTP client, which would bypass the streamed request
 * bodies, limits and error handling of {@link HttpLanguageModel}.
 */
final class SseReader {
    /** Receives each event; returns false to stop reading. */
    @FunctionalInterface
    interface Handler {
        boolean onEvent(String event, String data) throws IOException;
    }

    private final BufferedReader in;
    private final long maxBytes;
    private long bytes;

    SseReader(InputStream body, long maxBytes) {
        this.in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        this.maxBytes = maxBytes;
    }

    /** Characters read so far (line ends counted as one). */
    long bytesRead() {
        return bytes;
    }

    /**
     * Reads events until the handler returns false or the stream ends (an event not ended by a blank
     * line is dropped, as the standard says).
     *
     * @throws LimitedBody.TooLarge past {@code maxBytes} characters
     */
    void read(Handler handler) throws IOException {
        String event = null;
        StringBuilder data = null;
        String line;
        while ((line = in.readLine()) != null) {
            bytes += line.length() + 1;
            if (bytes > maxBytes) {
                throw new LimitedBody.TooLarge("the streamed response is larger than " + maxBytes + " bytes");
            }
            if (line.isEmpty()) {
                if (data != null && !handler.onEvent(event == null ? "message" : event, data.toString())) return;
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
}
