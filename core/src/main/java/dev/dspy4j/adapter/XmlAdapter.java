package dev.dspy4j.adapter;

import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Marks every field with XML-style tags: {@code <name>value</name>}. Values are written as they
 * are (no escaping); structured values are JSON inside the tags. Parsing takes the first
 * {@code <name>...</name>} of each output, wherever it is in the completion.
 */
public final class XmlAdapter extends FieldAdapter {
    private static final XmlAdapter INSTANCE = new XmlAdapter();

    private XmlAdapter() {}

    /** The XML adapter. */
    public static XmlAdapter create() {
        return INSTANCE;
    }

    @Override
    String name() {
        return "XmlAdapter";
    }

    @Override
    String inputOpen(Field f) {
        return "<" + f.name() + ">\n";
    }

    @Override
    String inputClose(Field f) {
        return "\n</" + f.name() + ">";
    }

    @Override
    String structureIntro() {
        return "Each exchange follows this layout: the inputs arrive inside their tags, and you reply with "
                + "each output inside its own tags, in this order.";
    }

    @Override
    String outputStructure(List<Field> outputs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < outputs.size(); i++) {
            Field f = outputs.get(i);
            if (i > 0) sb.append("\n\n");
            sb.append('<').append(f.name()).append(">\n{").append(f.name()).append('}');
            String note = note(f.type());
            if (note != null) sb.append(" -- ").append(note);
            sb.append("\n</").append(f.name()).append('>');
        }
        return sb.toString();
    }

    @Override
    String answer(List<Field> outputs, Map<String, ?> values, boolean all) {
        StringBuilder sb = new StringBuilder();
        for (Field f : outputs) {
            Object v = values.get(f.name());
            if (!all && ValueFormat.absent(v)) continue;
            if (sb.length() > 0) sb.append("\n\n");
            sb.append(inputOpen(f)).append(ValueFormat.text(v, f.name())).append(inputClose(f));
        }
        return sb.toString();
    }

    @Override
    String reminder(List<Field> outputs) {
        return "Answer with " + inOrder(outputs, f -> "`<" + f.name() + ">`") + ", closing each tag.";
    }

    @Override
    public Map<String, Object> parse(Signature signature, String completion) {
        return collect(signature, completion, f -> {
            Matcher m = Pattern.compile("<" + Pattern.quote(f.name()) + "\\s*>(.*?)</" + Pattern.quote(f.name())
                    + "\\s*>", Pattern.DOTALL).matcher(completion);
            return m.find() ? ValueParser.parseText(f, m.group(1)) : MISSING;
        });
    }

    @Override
    public String toString() {
        return "XmlAdapter";
    }
}
