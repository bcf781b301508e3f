package dev.dspy4j.adapter;

import dev.dspy4j.media.Media;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a prompt as readable text for exact-output tests: each message under a {@code === role ===}
 * line, media parts as {@code <image image/png 75 bytes>} or by a given name. Reads no payload bytes.
 */
final class PromptText {
    private PromptText() {}

    static String render(Prompt prompt) {
        return render(prompt, Map.of());
    }

    /** Like {@link #render(Prompt)}, naming each media value found (by identity) in {@code names}: {@code <image red>}. */
    static String render(Prompt prompt, Map<Media, String> names) {
        IdentityHashMap<Media, String> byIdentity = new IdentityHashMap<>();
        names.forEach(byIdentity::put);
        StringBuilder sb = new StringBuilder();
        for (Message m : prompt.messages()) {
            if (sb.length() > 0) sb.append('\n');
            sb.append("=== ").append(m.role().wireName()).append(" ===\n");
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t) {
                    sb.append(t.text());
                } else {
                    String name = byIdentity.get(p.media());
                    sb.append(name == null ? describe(p) : "<" + kind(p) + " " + name + ">");
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String kind(Part p) {
        return p.getClass().getSimpleName().replace("Part", "").toLowerCase(Locale.ROOT);
    }

    static String describe(Part p) {
        Media media = p.media();
        String kind = kind(p);
        Payload payload = media.payload();
        if (payload == null) {
            return "<" + kind + " " + media + ">";
        }
        return "<" + kind + " " + payload.mediaType() + " " + payload.size() + " bytes>";
    }
}
