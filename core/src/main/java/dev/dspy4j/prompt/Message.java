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

    /**
     * Merges adjacent text parts.
     *
     * @param role who speaks; not null
     * @param parts the content; no null elements, at least one part
     * @throws IllegalArgumentException if there are no parts
     */
    public Message {
        Objects.requireNonNull(role, "role");
        parts = merge(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one part");
        }
    }

    /**
     * A text-only message.
     *
     * @param role who speaks
     * @param text the text; not null
     * @return the message
     */
    public static Message of(Role role, String text) {
        return new Message(role, List.of(new Part.Text(text)));
    }

    /**
     * A text-only system message.
     *
     * @param text the text; not null
     * @return the message
     */
    public static Message system(String text) {
        return of(Role.SYSTEM, text);
    }

    /**
     * A text-only user message.
     *
     * @param text the text; not null
     * @return the message
     */
    public static Message user(String text) {
        return of(Role.USER, text);
    }

    /**
     * A text-only assistant message.
     *
     * @param text the text; not null
     * @return the message
     */
    public static Message assistant(String text) {
        return of(Role.ASSISTANT, text);
    }

    /** {@return true if the message is a single text part (sent as a plain string on the wire)} */
    public boolean isText() {
        return parts.size() == 1 && parts.get(0) instanceof Part.Text;
    }

    /**
     * The text of a text-only message.
     *
     * @return the text of its one part
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
