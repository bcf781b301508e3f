package dev.dspy4j.adapter;

import dev.dspy4j.media.Media;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import java.util.Locale;

/**
 * Renders a prompt as readable text for exact-output tests: each message under a {@code === role ===}
 * line, media parts as {@code <image image/png 75 bytes>}. Reads no payload bytes.
 */
final class PromptText {
    private PromptText() {}

    static String render(Prompt prompt) {
        StringBuilder sb = new StringBuilder();
        for (Message m : prompt.messages()) {
            if (sb.length() > 0) sb.append('\n');
            sb.append("=== ").append(m.role().wireName()).append(" ===\n");
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t) {
                    sb.append(t.text());
                } else {
                    sb.append(describe(p));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String describe(Part p) {
        Media media = p.media();
        String kind = p.getClass().getSimpleName().replace("Part", "").toLowerCase(Locale.ROOT);
        Payload payload = media.payload();
        if (payload == null) {
            return "<" + kind + " " + media + ">";
        }
        return "<" + kind + " " + payload.mediaType() + " " + payload.size() + " bytes>";
    }
}
