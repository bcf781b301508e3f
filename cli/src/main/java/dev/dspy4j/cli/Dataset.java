package dev.dspy4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.History;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one JSONL row into a program's input values. A media field's value is a path (relative to
 * the dataset file), an http(s) URL (sent to the provider as given) or a {@code data:} URI; other
 * fields take JSON values of their type. Keys that are not inputs are ignored (labels, ids).
 * Public for {@code dspy4j-spark}, which reads the other fields of a Spark row with {@link #value}.
 */
public final class Dataset {
    private final Path baseDir;

    /**
     * A dataset whose relative media paths are resolved against {@code dataFile}'s folder.
     *
     * @param dataFile the JSONL file (it need not exist: only its folder is used)
     */
    public Dataset(Path dataFile) {
        Path parent = dataFile.toAbsolutePath().normalize().getParent();
        this.baseDir = parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** A row that cannot become inputs; the message names the field and the problem. */
    public static final class RowException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message names the field and what is wrong with its value
         * @param cause   the failure reading the value (a payload that cannot be read, a bad JSON form), or null
         */
        public RowException(String message, Throwable cause) {
            super(message, cause);
        }

        /** @param message names the field and what is wrong with its value */
        public RowException(String message) {
            super(message);
        }
    }

    Map<String, Object> inputs(JsonNode row, List<Field> fields) {
        if (row == null || !row.isObject()) {
            throw new RowException("the row is not a JSON object");
        }
        Map<String, Object> in = new LinkedHashMap<>();
        for (Field f : fields) {
            JsonNode v = row.get(f.name());
            if (v == null || v.isNull()) {
                if (f.optional()) {
                    in.put(f.name(), null);
                    continue;
                }
                throw new RowException(
                        "missing input field '" + f.name() + "' (" + f.type().typeName() + ")");
            }
            in.put(f.name(), value(v, f.type(), f, "field '" + f.name() + "'"));
        }
        return in;
    }

    /**
     * {@return the value of one field from its JSON form (for outputs of demos and labels, too)}: a
     * {@code Media} value for a media field (in the forms the class comment lists), else the field type's Java
     * value
     *
     * @param v the field's JSON value
     * @param f the field, whose type says how to read {@code v}
     * @throws RowException naming the field when {@code v} does not fit its type
     */
    public Object value(JsonNode v, Field f) {
        return value(v, f.type(), f, "field '" + f.name() + "'");
    }

    private Object value(JsonNode v, FieldType type, Field field, String what) {
        if (type instanceof FieldType.OptionalOf o) {
            return v.isNull() ? null : value(v, o.inner(), field, what);
        }
        if (type instanceof FieldType.Media m) {
            return media(v, m, what);
        }
        if (type instanceof FieldType.ListOf l) {
            if (!v.isArray())
                throw new RowException(what + " is " + type.typeName() + ": expected an array, found " + kind(v));
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) out.add(value(v.get(i), l.element(), field, what + "[" + i + "]"));
            return out;
        }
        if (type instanceof FieldType.DictOf d) {
            if (!v.isObject())
                throw new RowException(what + " is " + type.typeName() + ": expected an object, found " + kind(v));
            Map<String, Object> out = new LinkedHashMap<>();
            v.properties()
                    .forEach(e -> out.put(e.getKey(), value(e.getValue(), d.value(), field, what + "." + e.getKey())));
            return out;
        }
        if (type instanceof FieldType.Literal lit) {
            return choice(v, lit, what);
        }
        if (type == FieldType.Scalar.STR) {
            if (!v.isTextual())
                throw new RowException(what + " is " + type.typeName() + ": expected a string, found " + kind(v));
            return v.textValue();
        }
        if (type == FieldType.Scalar.INT) {
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new RowException(what + " is int: expected an integer, found " + kind(v));
            }
            return v.longValue();
        }
        if (type == FieldType.Scalar.FLOAT) {
            if (!v.isNumber()) throw new RowException(what + " is float: expected a number, found " + kind(v));
            return v.doubleValue();
        }
        if (type == FieldType.Scalar.BOOL) {
            if (!v.isBoolean()) throw new RowException(what + " is bool: expected true or false, found " + kind(v));
            return v.booleanValue();
        }
        if (type == FieldType.HistoryType.INSTANCE) {
            JsonNode turns = v.isObject() && v.has("turns") ? v.get("turns") : v;
            if (!turns.isArray())
                throw new RowException(what + " is History: expected an array of turns, found " + kind(v));
            List<Map<String, Object>> list = new ArrayList<>();
            for (JsonNode t : turns) {
                if (!t.isObject())
                    throw new RowException(what + " is History: each turn must be an object, found " + kind(t));
                @SuppressWarnings("unchecked")
                Map<String, Object> m = Jsons.MAPPER.convertValue(t, Map.class);
                list.add(m);
            }
            return new History(list);
        }
        try {
            return Jsons.MAPPER.convertValue(v, Jsons.MAPPER.getTypeFactory().constructType(field.javaType()));
        } catch (IllegalArgumentException e) {
            throw new RowException(what + " cannot be read as " + type.typeName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The Literal choice {@code v} names: a JSON string, number or boolean equal to a choice
     * ({@code 1} for {@code Literal[1, 0]}, {@code true} for {@code Literal[True, False]}), or a
     * choice's text ({@code "1"}, {@code "True"}). The value is the choice itself, in its own type.
     */
    private static Object choice(JsonNode v, FieldType.Literal lit, String what) {
        List<?> values = lit.values();
        if (v.isTextual()) {
            int i = lit.choices().indexOf(v.textValue());
            if (i >= 0) return values.get(i);
        } else if (v.isNumber() || v.isBoolean()) {
            for (Object c : values) {
                if (c instanceof Boolean b && v.isBoolean() && b == v.booleanValue()) return c;
                if (c instanceof Number n
                        && v.isNumber()
                        && new java.math.BigDecimal(n.toString()).compareTo(v.decimalValue()) == 0) {
                    return c;
                }
            }
        }
        throw new RowException(what + " must be one of " + lit.choices() + ", not "
                + (v.isTextual() ? "'" + v.textValue() + "'" : kind(v) + " " + v));
    }

    /** The forms a media value may take, for error messages. */
    static final String MEDIA_FORMS =
            "a path relative to the dataset file (\"img/7.jpg\"), a data: URI, an http(s) URL "
                    + "(images only), or an object {\"path\": \"img/7.bin\", \"media_type\": \"image/png\"} "
                    + "(also with \"url\" or \"data\" in place of \"path\")";

    private static final java.util.Set<String> MEDIA_KEYS = java.util.Set.of("path", "url", "data", "media_type");
    private static final java.util.regex.Pattern SCHEME =
            java.util.regex.Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");

    /** A media value: a string, or an object naming its path, URL or data and optionally its media type. */
    private Media media(JsonNode v, FieldType.Media m, String what) {
        if (v.isTextual()) return media(v.textValue(), null, m.kind(), what);
        if (!v.isObject()) {
            throw new RowException(what + " is " + m.typeName() + ": expected " + MEDIA_FORMS + "; found " + kind(v));
        }
        List<String> given = new ArrayList<>();
        v.fieldNames().forEachRemaining(k -> {
            if (!MEDIA_KEYS.contains(k)) {
                throw new RowException(what + ": unknown key '" + k + "' in a media object; expected " + MEDIA_FORMS);
            }
            if (!k.equals("media_type")) given.add(k);
        });
        if (given.size() != 1) {
            throw new RowException(what + ": a media object needs exactly one of \"path\", \"url\" or \"data\", found "
                    + (given.isEmpty() ? "none" : given) + "; expected " + MEDIA_FORMS);
        }
        JsonNode where = v.get(given.get(0));
        if (!where.isTextual()) {
            throw new RowException(what + "." + given.get(0) + ": expected a string, found " + kind(where));
        }
        MediaType type = null;
        JsonNode t = v.get("media_type");
        if (t != null) {
            if (!t.isTextual())
                throw new RowException(what + ".media_type: expected a string such as \"image/png\", found " + kind(t));
            try {
                type = MediaType.of(t.textValue());
            } catch (IllegalArgumentException e) {
                throw new RowException(what + ".media_type: " + e.getMessage(), e);
            }
        }
        String s = where.textValue();
        String key = given.get(0);
        boolean isUrl = s.regionMatches(true, 0, "http://", 0, 7) || s.regionMatches(true, 0, "https://", 0, 8);
        boolean isData = s.regionMatches(true, 0, "data:", 0, 5);
        if (key.equals("url") && !isUrl)
            throw new RowException(what + ".url: expected an http(s) URL, not '" + s + "'");
        if (key.equals("data") && !isData) throw new RowException(what + ".data: expected a data: URI");
        if (key.equals("path") && (isUrl || isData)) {
            throw new RowException(what + ".path: expected a file path, not a URL; use \"url\" or \"data\" for those");
        }
        return media(s, type, m.kind(), what);
    }

    private Media media(String s, MediaType declared, FieldType.Media.Kind kind, String what) {
        try {
            // URL schemes are case-insensitive (as Image.from reads them)
            boolean url = s.regionMatches(true, 0, "http://", 0, 7) || s.regionMatches(true, 0, "https://", 0, 8);
            boolean data = s.regionMatches(true, 0, "data:", 0, 5);
            java.util.regex.Matcher scheme = SCHEME.matcher(s);
            if (!url && !data && scheme.find() && scheme.group(1).length() > 1) {
                // one letter is a Windows drive (C:\...), anything longer a URL scheme this command cannot fetch
                throw new RowException(what + ": unsupported URL scheme '" + scheme.group(1) + ":' in '" + s
                        + "'; expected " + MEDIA_FORMS);
            }
            if (s.isBlank()) throw new RowException(what + ": empty; expected " + MEDIA_FORMS);
            if (data && declared != null) {
                throw new RowException(what + ": a data: URI carries its own media type; leave out \"media_type\"");
            }
            switch (kind) {
                case IMAGE:
                    if (url) {
                        if (declared != null)
                            throw new RowException(what + ": an image URL is sent as given; leave out \"media_type\"");
                        return Image.fromUrl(s);
                    }
                    if (data) return Image.fromDataUri(s);
                    return declared == null ? Image.of(resolve(s)) : Image.of(Payload.of(resolve(s), declared));
                case AUDIO:
                    noUrl(url, what);
                    if (data) return new Audio(Payload.ofDataUri(s));
                    return declared == null ? Audio.of(resolve(s)) : new Audio(Payload.of(resolve(s), declared));
                case VIDEO:
                    noUrl(url, what);
                    if (data) return dev.dspy4j.media.Video.fromDataUri(s);
                    return declared == null
                            ? dev.dspy4j.media.Video.of(resolve(s))
                            : dev.dspy4j.media.Video.of(resolve(s), declared);
                case FILE:
                    noUrl(url, what);
                    if (data) {
                        Payload p = Payload.ofDataUri(s);
                        return File.of(p, "file" + extension(p.mediaType()));
                    }
                    MediaType type = declared != null ? declared : guessType(s);
                    // File.of(Path) knows the text formats that cannot be sniffed (.csv, .json, ...)
                    return type == null ? File.of(resolve(s)) : File.of(resolve(s), type);
                case DOCUMENT:
                default:
                    noUrl(url, what);
                    if (data) return new Document(Payload.ofDataUri(s), null, null, false);
                    if (declared != null) return Document.of(resolve(s), declared);
                    String lower = s.toLowerCase(Locale.ROOT);
                    return lower.endsWith(".txt") || lower.endsWith(".md")
                            ? Document.of(resolve(s), MediaType.TEXT)
                            : Document.of(resolve(s));
            }
        } catch (PayloadException | IllegalArgumentException e) {
            throw new RowException(what + ": " + e.getMessage() + " (accepted: " + MEDIA_FORMS + ")", e);
        }
    }

    private static void noUrl(boolean url, String what) {
        if (url) {
            throw new RowException(what + ": only images may be given as URLs; give a file path, a data: URI or "
                    + "{\"path\": ..., \"media_type\": ...}");
        }
    }

    private static MediaType guessType(String path) {
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".pdf")) return MediaType.PDF;
        if (lower.endsWith(".txt") || lower.endsWith(".md")) return MediaType.TEXT;
        if (lower.endsWith(".png")) return MediaType.PNG;
        if (lower.endsWith(".jpg") || lower.endsWith(".jpeg")) return MediaType.JPEG;
        return null;
    }

    /** The file name extension sent with a file given as a data: URI (a file needs a name). */
    private static String extension(MediaType type) {
        if (type.equals(MediaType.PDF)) return ".pdf";
        if (type.equals(MediaType.TEXT)) return ".txt";
        if (type.equals(MediaType.PNG)) return ".png";
        if (type.equals(MediaType.JPEG)) return ".jpg";
        return "";
    }

    private Path resolve(String path) {
        return baseDir.resolve(path).normalize();
    }

    static String kind(JsonNode n) {
        if (n.isNull()) return "null";
        if (n.isObject()) return "an object";
        if (n.isArray()) return "an array";
        if (n.isTextual()) return "a string";
        if (n.isBoolean()) return "a boolean";
        if (n.isIntegralNumber()) return "an integer";
        if (n.isNumber()) return "a number";
        return n.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
