package dev.dspy4j.adapter;

import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.signature.Example;
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

    /** {@return the chat adapter with the JSON fallback on (one shared instance)} */
    public static ChatAdapter create() {
        return DEFAULT;
    }

    /** {@return a builder for a configured chat adapter} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return true if a parse failure is retried once with {@link JsonAdapter}} */
    public boolean jsonFallback() {
        return jsonFallback;
    }

    /**
     * The marker line for a field, as DSPy's chat adapter writes it.
     *
     * @param fieldName the field's name
     * @return {@code [[ ## fieldName ## ]]}
     */
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
            sb.append(marker(f.name()))
                    .append('\n')
                    .append(ValueFormat.text(v, f.name()))
                    .append("\n\n");
        }
        return sb.append(COMPLETED).toString();
    }

    @Override
    String reminder(List<Field> outputs) {
        return "Answer with " + inOrder(outputs, f -> "`" + marker(f.name()) + "`") + ", and end with `" + COMPLETED
                + "`.";
    }

    /**
     * Reads the value after each output's marker, up to the next marker. A marker counts wherever it
     * stands, not only at the start of a line ({@code ...checked.[[ ## answer ## ]]\nSunny[[ ## completed ## ]]}
     * gives {@code Sunny}). Unknown and repeated markers end the value before them and are otherwise
     * ignored; the first occurrence of a field wins. Text before the first marker is the first
     * output's value when that output has no marker of its own (a model that skips the first marker
     * but writes the others).
     */
    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
        Map<String, String> sections = sections(completion);
        String first = signature.outputs().get(0).name();
        String leading = sections.get(LEADING);
        return collect(signature, completion, f -> {
            String text = sections.get(f.name());
            if (text == null && f.name().equals(first) && leading != null && !leading.isEmpty()) text = leading;
            return text == null ? MISSING : ValueParser.parseText(f, text);
        });
    }

    /** The key of the text before the first marker in {@link #sections}; not a field name. */
    private static final String LEADING = "[[leading]]";

    /**
     * The text after each marker up to the next one (stripped), by field name, first occurrence
     * winning; the text before the first marker, if there is a marker, under {@link #LEADING}.
     */
    static Map<String, String> sections(String completion) {
        Map<String, String> sections = new HashMap<>();
        Matcher m = HEADER.matcher(completion);
        String current = null;
        int from = 0;
        while (m.find()) {
            String text = completion.substring(from, m.start()).strip();
            sections.putIfAbsent(current == null ? LEADING : current, text);
            current = m.group(1);
            from = m.end();
        }
        if (current != null)
            sections.putIfAbsent(current, completion.substring(from).strip());
        return sections;
    }

    /**
     * Formats, calls and parses; if a completion cannot be parsed and the JSON fallback is on,
     * calls once more with {@link JsonAdapter}. If that fails too, the chat adapter's own failure is
     * thrown (it names the real cause, such as a value outside a field's choices), with the
     * fallback's failure attached as suppressed.
     */
    @Override
    public Result call(
            LanguageModel lm, Signature signature, List<Example> demos, Map<String, ?> inputs, LmRequest template) {
        try {
            return super.call(lm, signature, demos, inputs, template);
        } catch (AdapterParseException first) {
            if (!jsonFallback) throw first;
            try {
                return JsonAdapter.create().call(lm, signature, demos, inputs, template);
            } catch (AdapterParseException second) {
                first.addSuppressed(second);
                throw first;
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

        /**
         * Sets whether a parse failure is retried once with {@link JsonAdapter}.
         *
         * @param on true (the default) to retry; false to throw the {@link AdapterParseException}
         * @return this builder
         */
        public Builder jsonFallback(boolean on) {
            this.jsonFallback = on;
            return this;
        }

        /** {@return the adapter} */
        public ChatAdapter build() {
            return jsonFallback ? DEFAULT : new ChatAdapter(false);
        }
    }
}
