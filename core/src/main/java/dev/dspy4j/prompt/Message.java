package dev.dspy4j.prompt;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A chat message: a role and a list of parts. Adjacent text parts are always merged, so a message
 * that holds only text has exactly one part.
 *
 * @param role  who speaks
 * @param parts the content, never empty
 */
public record Message(Role role, List<Part> parts) {

    public Message {
        Objects.requireNonNull(role, "role");
        parts = merge(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one part");
        }
    }

    /** A text-only message. */
    public static Message of(Role role, String text) {
        return new Message(role, List.of(new Part.Text(text)));
    }

    public static Message system(String text) {
        return of(Role.SYSTEM, text);
    }

    public static Message user(String text) {
        return of(Role.USER, text);
    }

    public static Message assistant(String text) {
        return of(Role.ASSISTANT, text);
    }

    /** True if the message is a single text part (sent as a plain string on the wire). */
    public boolean isText() {
        return parts.size() == 1 && parts.get(0) instanceof Part.Text;
    }

    /**
     * The text of a text-only message.
     *
     * @throws IllegalStateException if the message holds media
     */
    public String text() {
        if (!isText()) {
            throw new IllegalStateException("message holds " + parts.size() + " parts, not only text");
        }
        return ((Part.Text) parts.get(0)).text();
    }

    private static List<Part> merge(List<Part> parts) {
        List<Part> out = new ArrayList<>(parts.size());
        StringBuilder pending = null;
        for (Part p : parts) {
            Objects.requireNonNull(p, "part");
            if (p instanceof Part.Text t) {
                if (pending == null) pending = new StringBuilder();
                pending.append(t.text());
            } else {
                if (pending != null && pending.length() > 0) out.add(new Part.Text(pending.toString()));
                pending = null;
                out.add(p);
            }
        }
        if (pending != null && (pending.length() > 0 || out.isEmpty())) out.add(new Part.Text(pending.toString()));
        return List.copyOf(out);
    }
}
