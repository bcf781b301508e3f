package dev.dspy4j.module;

import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for scripting completions in the chat format and reading the prompts a test LM received. */
public final class Chat {
    private Chat() {}

    /** A completion: {@code answer("answer", "4")} gives {@code [[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]}. */
    public static String answer(String... fieldsAndValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            sb.append("[[ ## ")
                    .append(fieldsAndValues[i])
                    .append(" ## ]]\n")
                    .append(fieldsAndValues[i + 1])
                    .append("\n\n");
        }
        return sb.append("[[ ## completed ## ]]").toString();
    }

    /** The text of a message, its media parts shown as {@code <media>}. */
    public static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        for (Part p : m.parts()) {
            if (p instanceof Part.Text t) sb.append(t.text());
            else sb.append("<media>");
        }
        return sb.toString();
    }

    /** The text of the request's last message (the current inputs). */
    public static String lastUser(LmRequest r) {
        var ms = r.prompt().messages();
        return text(ms.get(ms.size() - 1));
    }

    /** The value of input field {@code name} in the request's last message. */
    public static String input(LmRequest r, String name) {
        Matcher m = Pattern.compile(
                        "\\[\\[ ## " + Pattern.quote(name) + " ## \\]\\]\\n(.*?)(\\n\\n\\[\\[ ## |\\n\\nAnswer with|$)",
                        Pattern.DOTALL)
                .matcher(lastUser(r));
        if (!m.find()) throw new AssertionError("no input field '" + name + "' in:\n" + lastUser(r));
        return m.group(1);
    }
}
