package dev.dspy4j.adapter;

import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.module.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default adapter: DSPy's field-marker protocol. Every field's value follows a marker line
 * {@code [[ ## name ## ]]}, and an answer ends with {@code [[ ## completed ## ]]}, so completions
 * written for DSPy's chat format parse the same way.
 *
 * <p>When a completion cannot be parsed, {@link #call} asks once more with {@link JsonAdapter}
 * (on by default; see {@link Builder#jsonFallback}). LM errors are never retried here.
 *
 * <pre>{@code
 * Adapter chat = ChatAdapter.create();
 * Adapter strict = ChatAdapter.builder().jsonFallback(false).build();
 * }</pre>
 */
public final class ChatAdapter extends FieldAdapter {
    /** The marker that ends an answer. */
    public static final String COMPLETED = marker("completed");

    private static final Pattern HEADER = Pattern.compile("\\[\\[\\s*##\\s*(\\w+)\\s*##\\s*\\]\\]");
    private static final ChatAdapter DEFAULT = new ChatAdapter(true);

    private final boolean jsonFallback;

    private ChatAdapter(boolean jsonFallback) {
        this.jsonFallback = jsonFallback;
    }

    /** The chat adapter with the JSON fallback on. */
    public static ChatAdapter create() {
        return DEFAULT;
    }

    /** A builder for a configured chat adapter. */
    public static Builder builder() {
        return new Builder();
    }

    /** True if a parse failure is retried once with {@link JsonAdapter}. */
    public boolean jsonFallback() {
        return jsonFallback;
    }

    /** The marker line for a field: {@code [[ ## name ## ]]}. */
    public static String marker(String fieldName) {
        return "[[ ## " + fieldName + " ## ]]";
    }

    @Override
    String name() {
        return "ChatAdapter";
    }

    @Override
    String inputOpen(Field f) {
        return marker(f.name()) + "\n";
    }

    @Override
    String inputClose(Field f) {
        return "";
    }

    @Override
    String structureIntro() {
        return "Each exchange follows this layout: the inputs arrive under their markers, and you reply with "
                + "each output under its marker, in this order, ending with the completed marker.";
    }

    @Override
    String outputStructure(List<Field> outputs) {
        StringBuilder sb = new StringBuilder();
        for (Field f : outputs) {
            sb.append(marker(f.name())).append("\n{").append(f.name()).append('}');
            String note = note(f.type());
            if (note != null) sb.append(" -- ").append(note);
            sb.append("\n\n");
        }
        return sb.append(COMPLETED).toString();
    }

    @Override
    String answer(List<Field> outputs, Map<String, ?> values, boolean all) {
        StringBuilder sb = new StringBuilder();
        for (Field f : outputs) {
            Object v = values.get(f.name());
            if (!all && ValueFormat.absent(v)) continue;
            sb.append(marker(f.name())).append('\n').append(ValueFormat.text(v, f.name())).append("\n\n");
        }
        return sb.append(COMPLETED).toString();
    }

    @Override
    String reminder(List<Field> outputs) {
        return "Answer with " + inOrder(outputs, f -> "`" + marker(f.name()) + "`") + ", and end with `"
                + COMPLETED + "`.";
    }

    /**
     * Reads the value after each output's marker (up to the next marker). Text before the first
     * marker, unknown markers and repeated markers are ignored; the first occurrence of a field wins.
     */
    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
        Map<String, String> sections = sections(completion);
        return collect(signature, completion, f -> {
            String text = sections.get(f.name());
            return text == null ? MISSING : ValueParser.parseText(f, text);
        });
    }

    static Map<String, String> sections(String completion) {
        Map<String, String> sections = new HashMap<>();
        String current = null;
        StringBuilder body = new StringBuilder();
        for (String line : completion.split("\\R", -1)) {
            Matcher m = HEADER.matcher(line.strip());
            if (m.lookingAt()) {
                if (current != null) sections.putIfAbsent(current, body.toString().strip());
                current = m.group(1);
                body.setLength(0);
                body.append(line.strip().substring(m.end()).strip());
            } else if (current != null) {
                body.append('\n').append(line);
            }
        }
        if (current != null) sections.putIfAbsent(current, body.toString().strip());
        return sections;
    }

    /**
     * Formats, calls and parses; if a completion cannot be parsed and the JSON fallback is on,
     * calls once more with {@link JsonAdapter}. The second failure is thrown with the first attached
     * as suppressed.
     */
    @Override
    public Result call(LanguageModel lm, Signature signature, List<Example> demos, Map<String, ?> inputs,
                       LmRequest template) {
        try {
            return super.call(lm, signature, demos, inputs, template);
        } catch (AdapterParseException first) {
            if (!jsonFallback) throw first;
            try {
                return JsonAdapter.create().call(lm, signature, demos, inputs, template);
            } catch (AdapterParseException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    /** Splits a streamed answer at its field markers ({@link FieldStream}). */
    @Override
    public dev.dspy4j.lm.TextStream fieldStream(Signature signature, FieldStream.Sink sink) {
        return new FieldStream(signature, sink);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChatAdapter c && c.jsonFallback == jsonFallback;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(jsonFallback);
    }

    @Override
    public String toString() {
        return "ChatAdapter[jsonFallback=" + jsonFallback + "]";
    }

    /** Builds a {@link ChatAdapter}. */
    public static final class Builder {
        private boolean jsonFallback = true;

        private Builder() {}

        /** Whether a parse failure is retried once with {@link JsonAdapter} (default true). */
        public Builder jsonFallback(boolean on) {
            this.jsonFallback = on;
            return this;
        }

        /** The adapter. */
        public ChatAdapter build() {
            return jsonFallback ? DEFAULT : new ChatAdapter(false);
        }
    }
}
