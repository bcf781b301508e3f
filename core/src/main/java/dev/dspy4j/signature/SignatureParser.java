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
            throw new SignatureException(
                    "signature '" + text + "' has more than one '->' (at position " + arrows.get(1) + ")",
                    arrows.get(1));
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
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
                opened = i;
            } else if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '>') {
                out.add(i);
                i++;
            }
        }
        if (quote != 0) {
            throw new SignatureException(
                    "signature '" + text + "': unterminated quoted choice at position " + opened, opened);
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

    /** A type: one or more options joined by {@code |} ({@code str | None}, {@code int | str}). */
    private FieldType type(int end) {
        int start = pos;
        FieldType t = typeOrNone(end);
        if (t == null) throw error("None alone is not a field type", start);
        return t;
    }

    /** Like {@link #type}, but null for a bare {@code None} (an option of {@code Union[...]}). */
    private FieldType typeOrNone(int end) {
        List<FieldType> options = new ArrayList<>();
        boolean none = false;
        while (true) {
            skipSpace(end);
            FieldType t = primary(end);
            if (t == null) none = true;
            else options.add(t);
            skipSpace(end);
            if (pos < end && text.charAt(pos) == '|') {
                pos++;
                continue;
            }
            break;
        }
        return options.isEmpty() ? null : FieldType.union(options, none);
    }

    /** One type without {@code |}; null for {@code None}. */
    private FieldType primary(int end) {
        int start = pos;
        while (pos < end
                && (Character.isLetterOrDigit(text.charAt(pos))
                        || text.charAt(pos) == '_'
                        || text.charAt(pos) == '.')) {
            pos++;
        }
        String word = text.substring(start, pos);
        if (word.startsWith("typing.")) word = word.substring("typing.".length());
        if (word.isEmpty()) {
            throw error("expected a type", start);
        }
        skipSpace(end);
        boolean args = pos < end && text.charAt(pos) == '[';
        switch (word) {
            case "str", "string":
                return FieldType.Scalar.STR;
            case "int":
                return FieldType.Scalar.INT;
            case "float":
                return FieldType.Scalar.FLOAT;
            case "bool":
                return FieldType.Scalar.BOOL;
            case "None", "NoneType":
                return null;
            case "Any", "object":
                return FieldType.AnyType.INSTANCE;
            case "Image", "dspy.Image":
                return new FieldType.Media(FieldType.Media.Kind.IMAGE);
            case "Audio", "dspy.Audio":
                return new FieldType.Media(FieldType.Media.Kind.AUDIO);
            case "File", "dspy.File":
                return new FieldType.Media(FieldType.Media.Kind.FILE);
            case "Document", "dspy.Document":
                return new FieldType.Media(FieldType.Media.Kind.DOCUMENT);
            case "Video":
                return new FieldType.Media(FieldType.Media.Kind.VIDEO);
            case "History", "dspy.History":
                return FieldType.HistoryType.INSTANCE;
            case "list", "List": {
                if (!args) return new FieldType.ListOf(FieldType.AnyType.INSTANCE);
                expect('[', end);
                FieldType element = type(end);
                expect(']', end);
                return new FieldType.ListOf(element);
            }
            case "dict", "Dict": {
                if (!args) return new FieldType.DictOf(FieldType.AnyType.INSTANCE);
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
            case "tuple", "Tuple": {
                if (!args) return new FieldType.TupleOf(List.of(FieldType.AnyType.INSTANCE), true);
                expect('[', end);
                List<FieldType> elements = new ArrayList<>();
                elements.add(type(end));
                boolean variadic = false;
                while (pos < end && text.charAt(pos) == ',') {
                    pos++;
                    skipSpace(end);
                    if (text.startsWith("...", pos)) {
                        int at = pos;
                        pos += 3;
                        if (elements.size() != 1) throw error("'...' may only follow a tuple's single item type", at);
                        variadic = true;
                        skipSpace(end);
                        break;
                    }
                    elements.add(type(end));
                }
                expect(']', end);
                return new FieldType.TupleOf(elements, variadic);
            }
            case "Optional": {
                expect('[', end);
                FieldType inner = type(end);
                expect(']', end);
                return FieldType.union(List.of(inner), true);
            }
            case "Union": {
                expect('[', end);
                List<FieldType> options = new ArrayList<>();
                boolean none = false;
                while (true) {
                    FieldType t = typeOrNone(end);
                    if (t == null) none = true;
                    else options.add(t);
                    if (pos < end && text.charAt(pos) == ',') {
                        pos++;
                        skipSpace(end);
                        continue;
                    }
                    break;
                }
                expect(']', end);
                return FieldType.union(options, none);
            }
            case "Literal": {
                expect('[', end);
                List<Object> choices = new ArrayList<>();
                boolean none = false;
                while (true) {
                    skipSpace(end);
                    Object c = choice(end);
                    if (c == null) none = true;
                    else choices.add(c);
                    skipSpace(end);
                    if (pos < end && text.charAt(pos) == ',') {
                        pos++;
                        continue;
                    }
                    expect(']', end);
                    if (choices.isEmpty()) throw error("Literal[...] needs a choice besides None", start);
                    return FieldType.union(List.of(new FieldType.Literal(choices)), none);
                }
            }
            default:
                throw error("unknown type '" + word + "'" + didYouMean(word), start, "; accepted types: " + ACCEPTED);
        }
    }

    /** The type names {@link #primary} accepts, for error messages. */
    static final String ACCEPTED = "str, int, float, bool, Image, Audio, File, Document, History, Any, "
            + "list[T], dict[str, T], tuple[T, ...], Optional[T], Union[A, B], Literal['a', 'b'], T | None";

    /** Other languages' and JSON Schema's names for the accepted types. */
    private static final java.util.Map<String, String> NEAR = java.util.Map.ofEntries(
            java.util.Map.entry("integer", "int"), java.util.Map.entry("long", "int"),
            java.util.Map.entry("int32", "int"), java.util.Map.entry("int64", "int"),
            java.util.Map.entry("number", "float"), java.util.Map.entry("double", "float"),
            java.util.Map.entry("float32", "float"), java.util.Map.entry("float64", "float"),
            java.util.Map.entry("decimal", "float"), java.util.Map.entry("boolean", "bool"),
            java.util.Map.entry("text", "str"), java.util.Map.entry("char", "str"),
            java.util.Map.entry("array", "list"), java.util.Map.entry("sequence", "list"),
            java.util.Map.entry("map", "dict"), java.util.Map.entry("mapping", "dict"),
            java.util.Map.entry("picture", "Image"), java.util.Map.entry("pdf", "Document"));

    /** {@code " (did you mean 'int'?)"} for a near miss, else empty. */
    private static String didYouMean(String word) {
        String lower = word.toLowerCase(java.util.Locale.ROOT);
        String hint = NEAR.get(lower);
        if (hint == null) {
            for (String known : List.of(
                    "str",
                    "int",
                    "float",
                    "bool",
                    "Image",
                    "Audio",
                    "File",
                    "Document",
                    "History",
                    "Any",
                    "list",
                    "dict",
                    "tuple",
                    "Optional",
                    "Union",
                    "Literal")) {
                if (known.equalsIgnoreCase(word)) hint = known;
            }
        }
        return hint == null ? "" : " (did you mean '" + hint + "'?)";
    }

    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[+-]?[0-9][0-9_]*(\\.[0-9_]*)?([eE][+-]?[0-9]+)?");

    /** One Literal choice: a quoted string, an integer, a number, True, False, or null for None. */
    private Object choice(int end) {
        if (pos < end && (text.charAt(pos) == '\'' || text.charAt(pos) == '"')) return quoted(end);
        int start = pos;
        while (pos < end && text.charAt(pos) != ',' && text.charAt(pos) != ']') pos++;
        String word = text.substring(start, pos).strip();
        switch (word) {
            case "True", "true":
                return true;
            case "False", "false":
                return false;
            case "None":
                return null;
            default:
                if (NUMBER.matcher(word).matches() && !word.contains("__") && !word.endsWith("_")) {
                    String n = word.replace("_", "");
                    try {
                        if (n.contains(".") || n.contains("e") || n.contains("E")) return Double.parseDouble(n);
                        return Long.parseLong(n);
                    } catch (NumberFormatException e) {
                        throw error("Literal choice " + word + " is out of range", start);
                    }
                }
                throw error("expected a quoted string, a number, True, False or None as a Literal choice", start);
        }
    }

    /** A quoted string; a backslash escapes the next character. */
    private String quoted(int end) {
        char q = text.charAt(pos);
        int open = pos;
        StringBuilder sb = new StringBuilder();
        for (pos = pos + 1; pos < end; pos++) {
            char c = text.charAt(pos);
            if (c == '\\' && pos + 1 < end) {
                sb.append(text.charAt(++pos));
            } else if (c == q) {
                pos++;
                return sb.toString();
            } else {
                sb.append(c);
            }
        }
        throw error("unterminated quoted choice", open);
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
        return error(problem, at, "");
    }

    private SignatureException error(String problem, int at, String help) {
        return new SignatureException("signature '" + text + "': " + problem + " at position " + at + help, at);
    }
}
