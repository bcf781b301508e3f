package dev.dspy4j.adapter;

import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Marks every field with XML-style tags: {@code <name>value</name>}. Values are escaped when
 * written ({@code <} as {@code &lt;}, {@code &} as {@code &amp;}, {@code >} as {@code &gt;}) and
 * unescaped when read (those three, {@code &quot;}, {@code &apos;} and numeric references), except
 * inside a {@code <![CDATA[...]]>} section, which is taken as written; structured values are JSON
 * inside the tags.
 *
 * <p>Parsing takes the first {@code <name>...</name>} of each output, wherever it is in the
 * completion (attributes on the opening tag are ignored); {@code <name/>} is an empty value (an empty list or map for those types). An output
 * whose tag is opened but never closed, or whose value holds its own tag ({@code <code>} inside
 * {@code <code>}, or a second {@code </code>}), is unparsable rather than cut short.
 */
@SuppressWarnings(
        "EscapedEntity") // the Javadoc above shows the escaped forms themselves, so they are meant to appear literally
public final class XmlAdapter extends FieldAdapter {
    private static final XmlAdapter INSTANCE = new XmlAdapter();

    private XmlAdapter() {}

    /** {@return the XML adapter (one shared instance)} */
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
    String escape(String text) {
        return escapeText(text);
    }

    /** {@code text} with {@code &}, {@code <} and {@code >} written as entities. */
    static String escapeText(String text) {
        if (text.indexOf('&') < 0 && text.indexOf('<') < 0 && text.indexOf('>') < 0) return text;
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final Pattern ENTITY = Pattern.compile("&(lt|gt|amp|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});");

    /**
     * {@code text} with XML's five named entities and numeric character references decoded; an
     * {@code &} that starts none of them is kept as it is.
     */
    static String unescapeText(String text) {
        if (text.indexOf('&') < 0) return text;
        Matcher m = ENTITY.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        while (m.find()) {
            String e = m.group(1);
            String r = switch (e) {
                case "lt" -> "<";
                case "gt" -> ">";
                case "amp" -> "&";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> {
                    int cp = e.charAt(1) == 'x' || e.charAt(1) == 'X'
                            ? Integer.parseInt(e.substring(2), 16)
                            : Integer.parseInt(e.substring(1));
                    yield Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : m.group();
                }
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(r));
        }
        m.appendTail(sb);
        return sb.toString();
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
            sb.append(inputOpen(f))
                    .append(escape(ValueFormat.text(v, f.name())))
                    .append(inputClose(f));
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
            String raw = value(f, completion);
            return raw == null ? MISSING : ValueParser.parseText(f, decode(raw));
        });
    }

    private static final String CDATA_OPEN = "<![CDATA[";
    private static final String CDATA_CLOSE = "]]>";

    /** A value's text: CDATA sections as they are written, entities decoded everywhere else. */
    private static String decode(String raw) {
        int cdata = raw.indexOf(CDATA_OPEN);
        if (cdata < 0) return unescapeText(raw);
        StringBuilder sb = new StringBuilder(raw.length());
        int from = 0;
        while (cdata >= 0) {
            int close = raw.indexOf(CDATA_CLOSE, cdata + CDATA_OPEN.length()); // found: value() checked it
            sb.append(unescapeText(raw.substring(from, cdata))).append(raw, cdata + CDATA_OPEN.length(), close);
            from = close + CDATA_CLOSE.length();
            cdata = raw.indexOf(CDATA_OPEN, from);
        }
        return sb.append(unescapeText(raw.substring(from))).toString();
    }

    /**
     * The raw text between the first {@code <name>} (attributes allowed) and its {@code </name>},
     * the empty value of a {@code <name/>}, or null if the field has no tag. CDATA sections are
     * skipped when looking for tags.
     *
     * @throws ValueParser.ValueException if the tag or a CDATA section is never closed, or the value
     *     holds the field's own tag
     */
    private static String value(Field f, String completion) throws ValueParser.ValueException {
        String n = Pattern.quote(f.name());
        String openTag = "<" + n + "(?:\\s[^<>]*?)?\\s*(/?)>";
        Matcher open = Pattern.compile(openTag).matcher(completion);
        if (!open.find()) return null;
        if (!open.group(1).isEmpty()) return empty(f.type());
        // after the opening tag, the next tag of this field (CDATA skipped) must close it, and the one
        // after that must not close it again
        Matcher tag = Pattern.compile(openTag + "|</" + n + "\\s*>|" + Pattern.quote(CDATA_OPEN))
                .matcher(completion);
        int closeStart = -1;
        int from = open.end();
        while (tag.find(from)) {
            String t = tag.group();
            if (t.equals(CDATA_OPEN)) {
                int end = completion.indexOf(CDATA_CLOSE, tag.end());
                if (end < 0) {
                    throw new ValueParser.ValueException(
                            "has a " + CDATA_OPEN + " section that is never closed with " + CDATA_CLOSE);
                }
                from = end + CDATA_CLOSE.length();
            } else if (closeStart < 0 && t.startsWith("</")) {
                closeStart = tag.start();
                from = tag.end();
            } else if (closeStart < 0) {
                throw new ValueParser.ValueException(
                        "holds its own tag <" + f.name() + "> inside it; write a < in a " + "value as &lt;");
            } else if (t.startsWith("</")) {
                throw new ValueParser.ValueException(
                        "holds its own closing tag </" + f.name() + ">; write a < in a " + "value as &lt;");
            } else {
                break;
            }
        }
        if (closeStart < 0) {
            throw new ValueParser.ValueException("is not closed: <" + f.name() + "> has no </" + f.name() + ">");
        }
        return completion.substring(open.end(), closeStart);
    }

    /** What an empty tag holds for {@code type}: no items for a list or map, no text otherwise. */
    private static String empty(FieldType type) {
        FieldType t = type instanceof FieldType.OptionalOf o ? o.inner() : type;
        if (t instanceof FieldType.ListOf) return "[]";
        if (t instanceof FieldType.DictOf) return "{}";
        return "";
    }

    @Override
    public String toString() {
        return "XmlAdapter";
    }
}
