package dev.dspy4j.adapter;

import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a streamed {@link ChatAdapter} answer into its output fields as it arrives: finds the
 * {@code [[ ## name ## ]]} markers (also when one arrives split over several pieces) and passes on
 * each output field's text, stripped of the whitespace around it as the parser strips it, so the
 * pieces of a field joined together equal the text the parser reads for it. Text before the first
 * marker, and under markers that are not output fields ({@code completed} among them), is not passed
 * on. Each field ends with one piece marked last (possibly empty), when the next marker or the end
 * of the answer arrives. After {@link #onComplete}, the stream is ready for the next answer (a retry
 * or a fallback call).
 */
public final class FieldStream implements TextStream {
    /** A marker: as {@link ChatAdapter} reads it. */
    private static final Pattern MARKER = Pattern.compile("\\[\\[\\s*##\\s*(\\w+)\\s*##\\s*\\]\\]");
    /** A marker is never longer than this; an unfinished one is held back at most this long. */
    private static final int MAX_MARKER = 120;

    /** Receives a field's text. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Takes the next piece of one output field's value.
         *
         * @param field the output field
         * @param text  the next piece of its value (empty only when {@code last})
         * @param last  true for the field's last piece
         */
        void onField(String field, String text, boolean last);
    }

    private final Set<String> outputs = new HashSet<>();
    private final Sink sink;
    private final StringBuilder buf = new StringBuilder();
    private final StringBuilder pendingSpace = new StringBuilder();
    private int pos;
    private String field;
    private boolean started;

    /**
     * A stream for the output fields of {@code signature}.
     *
     * @param signature the task whose output fields are passed on
     * @param sink receives each output field's text, on the thread that feeds this stream
     */
    public FieldStream(Signature signature, Sink sink) {
        for (Field f : signature.outputs()) outputs.add(f.name());
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void onText(String delta) {
        buf.append(delta);
        scan(false);
    }

    @Override
    public void onComplete(LmResponse response) {
        scan(true);
        closeField();
        buf.setLength(0);
        pos = 0;
    }

    private void scan(boolean end) {
        while (true) {
            int m = buf.indexOf("[[", pos);
            if (m < 0) {
                // a single '[' at the end may start a marker
                int safe = !end && buf.length() > pos && buf.charAt(buf.length() - 1) == '['
                        ? buf.length() - 1
                        : buf.length();
                emit(pos, safe);
                pos = safe;
                return;
            }
            emit(pos, m);
            pos = m;
            Matcher matcher = MARKER.matcher(buf).region(m, buf.length());
            if (matcher.lookingAt()) {
                closeField();
                String name = matcher.group(1);
                field = outputs.contains(name) ? name : null;
                started = false;
                pendingSpace.setLength(0);
                pos = matcher.end();
                continue;
            }
            boolean couldBeMarker = buf.indexOf("]]", m) < 0 && buf.length() - m < MAX_MARKER;
            if (!end && couldBeMarker) return; // wait for the rest of a marker
            emit(m, m + 2);
            pos = m + 2;
        }
    }

    /** Passes on buf[from, to) of the current field, holding back whitespace that may end the value. */
    private void emit(int from, int to) {
        if (field == null || from >= to) return;
        StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++) {
            char c = buf.charAt(i);
            if (Character.isWhitespace(c)) {
                if (started) pendingSpace.append(c);
            } else {
                started = true;
                out.append(pendingSpace).append(c);
                pendingSpace.setLength(0);
            }
        }
        if (out.length() > 0) sink.onField(field, out.toString(), false);
    }

    private void closeField() {
        if (field != null) sink.onField(field, "", true);
        field = null;
        pendingSpace.setLength(0);
    }
}
