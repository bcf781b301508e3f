package dev.dspy4j.signature;

import java.util.ArrayList;
import java.util.List;

/** A small recursive-descent parser for the string form of a signature. */
final class SignatureParser {
    private final String text;
    private int pos;

    private SignatureParser(String text) {
        this.text = text;
    }

    static Signature parse(String text, String instructions) {
        if (text == null) {
            throw new SignatureException("signature string is null", -1);
        }
        List<Integer> arrows = arrows(text);
        if (arrows.isEmpty()) {
            throw new SignatureException("signature '" + text + "' has no '->' between inputs and outputs", -1);
        }
        int arrow = arrows.get(0);
        if (arrows.size() > 1) {
            throw new SignatureException("signature '" + text + "' has more than one '->' (at position "
                    + arrows.get(1) + ")", arrows.get(1));
        }
        SignatureParser p = new SignatureParser(text);
        List<Field> inputs = p.fields(0, arrow, true);
        List<Field> outputs = p.fields(arrow + 2, text.length(), false);
        if (outputs.isEmpty()) {
            throw new SignatureException("signature '" + text + "' has no output field after '->'", arrow + 2);
        }
        try {
            return Signature.of("StringSignature", instructions, inputs, outputs);
        } catch (SignatureException e) {
            throw new SignatureException("signature '" + text + "': " + e.getMessage(), e.position());
        }
    }

    /**
     * The positions of {@code ->} outside quoted {@code Literal} choices, so that a choice may hold an
     * arrow.
     *
     * @throws SignatureException for a quote that is never closed
     */
    private static List<Integer> arrows(String text) {
        List<Integer> out = new ArrayList<>();
        char quote = 0;
        int opened = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
                opened = i;
            } else if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '>') {
                out.add(i);
                i++;
            }
        }
        if (quote != 0) {
            throw new SignatureException("signature '" + text + "': unterminated quoted choice at position " + opened,
                    opened);
        }
        return out;
    }

    private List<Field> fields(int start, int end, boolean inputs) {
        List<Field> out = new ArrayList<>();
        pos = start;
        skipSpace(end);
        if (pos == end) {
            return out;
        }
        while (true) {
            skipSpace(end);
            int nameStart = pos;
            while (pos < end && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) pos++;
            String name = text.substring(nameStart, pos);
            if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
                throw error("expected a field name", nameStart);
            }
            skipSpace(end);
            FieldType type = FieldType.Scalar.STR;
            if (pos < end && text.charAt(pos) == ':') {
                pos++;
                skipSpace(end);
                type = type(end);
                skipSpace(end);
            }
            for (Field f : out) {
                if (f.name().equals(name)) {
                    throw error("duplicate " + (inputs ? "input" : "output") + " field '" + name + "'", nameStart);
                }
            }
            out.add(Field.of(name, type, ""));
            if (pos == end) {
                return out;
            }
            if (text.charAt(pos) != ',') {
                throw error("expected ',' or '->' after field '" + name + "'", pos);
            }
            pos++;
        }
    }

    private FieldType type(int end) {
        int start = pos;
        while (pos < end && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                || text.charAt(pos) == '.')) {
            pos++;
        }
        String word = text.substring(start, pos);
        if (word.isEmpty()) {
            throw error("expected a type", start);
        }
        switch (word) {
            case "str", "string": return FieldType.Scalar.STR;
            case "int": return FieldType.Scalar.INT;
            case "float": return FieldType.Scalar.FLOAT;
            case "bool": return FieldType.Scalar.BOOL;
            case "Image", "dspy.Image": return new FieldType.Media(FieldType.Media.Kind.IMAGE);
            case "Audio", "dspy.Audio": return new FieldType.Media(FieldType.Media.Kind.AUDIO);
            case "File", "dspy.File": return new FieldType.Media(FieldType.Media.Kind.FILE);
            case "Document", "dspy.Document": return new FieldType.Media(FieldType.Media.Kind.DOCUMENT);
            case "Video": return new FieldType.Media(FieldType.Media.Kind.VIDEO);
            case "History", "dspy.History": return FieldType.HistoryType.INSTANCE;
            case "list", "List": {
                expect('[', end);
                FieldType element = type(end);
                expect(']', end);
                return new FieldType.ListOf(element);
            }
            case "dict", "Dict": {
                expect('[', end);
                int keyPos = pos;
                FieldType key = type(end);
                if (key != FieldType.Scalar.STR) {
                    throw error("dict keys must be str, not " + key.typeName(), keyPos);
                }
                expect(',', end);
                FieldType value = type(end);
                expect(']', end);
                return new FieldType.DictOf(value);
            }
            case "Optional": {
                expect('[', end);
                FieldType inner = type(end);
                expect(']', end);
                return new FieldType.OptionalOf(inner);
            }
            case "Literal": {
                expect('[', end);
                List<String> choices = new ArrayList<>();
                while (true) {
                    skipSpace(end);
                    choices.add(quoted(end));
                    skipSpace(end);
                    if (pos < end && text.charAt(pos) == ',') {
                        pos++;
                        continue;
                    }
                    expect(']', end);
                    return new FieldType.Literal(choices);
                }
            }
            default:
                throw error("unknown type '" + word + "'", start);
        }
    }

    private String quoted(int end) {
        if (pos >= end || (text.charAt(pos) != '\'' && text.charAt(pos) != '"')) {
            throw error("expected a quoted choice in Literal[...]", pos);
        }
        char q = text.charAt(pos);
        int close = text.indexOf(q, pos + 1);
        if (close < 0 || close >= end) {
            throw error("unterminated quoted choice", pos);
        }
        String s = text.substring(pos + 1, close);
        pos = close + 1;
        return s;
    }

    private void expect(char c, int end) {
        skipSpace(end);
        if (pos >= end || text.charAt(pos) != c) {
            throw error("expected '" + c + "'", pos);
        }
        pos++;
        skipSpace(end);
    }

    private void skipSpace(int end) {
        while (pos < end && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private SignatureException error(String problem, int at) {
        return new SignatureException("signature '" + text + "': " + problem + " at position " + at, at);
    }
}
