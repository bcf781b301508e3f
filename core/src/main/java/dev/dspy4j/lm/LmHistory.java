package dev.dspy4j.lm;

import dev.dspy4j.media.Media;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A bounded record of recent LM calls. An entry keeps what it shows and never a payload's bytes:
 * each media part of the recorded prompt holds a {@link Payload#withoutBytes() payload without
 * bytes} (kind, media type, size, digest if computed, file name and options), so a history of 100
 * calls with in-memory images does not keep 100 images alive. Payloads are never copied or read.
 * Thread-safe.
 */
public final class LmHistory {
    /** A history that keeps nothing. */
    public static final LmHistory NONE = new LmHistory(0);

    /**
     * One call.
     *
     * @param time     when the call started
     * @param model    the model
     * @param request  the request (by reference)
     * @param response the response
     * @param elapsed  how long the call took
     */
    public record Entry(Instant time, String model, LmRequest request, LmResponse response, Duration elapsed) {
        /** This entry with the request's payloads {@linkplain dev.dspy4j.prompt.Prompt#withoutPayloadBytes() without bytes}. */
        @SuppressWarnings(
                "ReferenceEquality") // the same instance back means nothing held bytes; equals would walk every part
        Entry withoutPayloadBytes() {
            dev.dspy4j.prompt.Prompt kept = request.prompt().withoutPayloadBytes();
            return kept == request.prompt()
                    ? this
                    : new Entry(time, model, request.withPrompt(kept), response, elapsed);
        }
    }

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();

    /**
     * A history keeping at most {@code capacity} entries (0 keeps none).
     *
     * @param capacity the most entries kept, at least 0
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public LmHistory(int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("capacity must be >= 0");
        this.capacity = capacity;
    }

    /**
     * Adds an entry (its payloads without bytes), dropping the oldest if full.
     *
     * @param entry the call to record
     */
    public void add(Entry entry) {
        if (capacity == 0) return;
        Entry e = entry.withoutPayloadBytes();
        synchronized (entries) {
            if (entries.size() == capacity) entries.removeFirst();
            entries.addLast(e);
        }
    }

    /**
     * {@return the last {@code n} entries (fewer if fewer are kept), oldest first, as an unmodifiable copy}
     *
     * @param n how many entries, at least 0
     */
    public List<Entry> last(int n) {
        synchronized (entries) {
            List<Entry> all = new ArrayList<>(entries);
            return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
        }
    }

    /** {@return the number of entries kept} */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** Drops every entry. */
    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }

    /**
     * The last {@code n} calls as readable text: each message's text, each payload as its media
     * type, size and short digest, then the completions.
     *
     * @param n how many of the most recent calls, at least 0
     * @return the text, empty when there are none
     */
    public String inspect(int n) {
        StringBuilder sb = new StringBuilder();
        for (Entry e : last(n)) {
            sb.append("[").append(e.time()).append("] ").append(e.model());
            if (e.response().cacheHit()) sb.append(" (cache hit)");
            sb.append(", ").append(e.elapsed().toMillis()).append(" ms\n");
            for (Message m : e.request().prompt().messages()) {
                sb.append("\n").append(m.role().name()).append(":\n");
                for (Part p : m.parts()) {
                    if (p instanceof Part.Text t) {
                        sb.append(t.text());
                    } else {
                        sb.append(describe(p.media()));
                    }
                }
                sb.append("\n");
            }
            sb.append("\nRESPONSE:\n");
            for (Completion c : e.response().completions()) {
                sb.append(c.text()).append("\n");
                for (ToolCall tc : c.toolCalls()) {
                    sb.append("tool call ")
                            .append(tc.name())
                            .append(tc.argumentsJson())
                            .append("\n");
                }
            }
            sb.append("\n");
        }
        return sb.toString();
    }

    /**
     * {@return a short description of a media value, such as {@code <Image image/png 1024 bytes sha256:0123456789ab>}:
     * kind, type, size and short digest (if already known), or the URL or file id of one without bytes}
     *
     * @param media the image, audio, file or document; its bytes are not read
     */
    public static String describe(Media media) {
        String kind = media.getClass().getSimpleName();
        Payload p = media.payload();
        if (p == null) {
            if (media instanceof dev.dspy4j.media.Image i) return "<" + kind + " url=" + i.url() + ">";
            return "<" + kind + " id=" + ((dev.dspy4j.media.File) media).fileId() + ">";
        }
        String digest = p.hasDigest() ? " sha256:" + p.digest().shortHex() : "";
        return "<" + kind + " " + p.mediaType() + " " + p.size() + " bytes" + digest + ">";
    }
}
