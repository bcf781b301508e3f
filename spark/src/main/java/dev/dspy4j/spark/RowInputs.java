package dev.dspy4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.cli.Dataset;
import dev.dspy4j.cli.Dataset.RowException;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.media.Video;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Turns a Spark row into a program's input values. A media field's column holds a path or URI that
 * Hadoop reads ({@code file:}, {@code hdfs:}, {@code s3a:}; a relative path is taken against the media
 * base), an http(s) URL (images only, sent as given), a {@code data:} URI, or the bytes themselves
 * (a binary column, as Spark's {@code binaryFile} source gives in {@code content}). Other fields take
 * the values {@code dspy4j run} takes in JSON, with the same checks and messages.
 */
final class RowInputs {
    /** The forms a media column may take, for error messages. */
    static final String MEDIA_FORMS = "a binary column, or a string column holding a Hadoop path or URI (file:, hdfs:, "
            + "s3a:, ...), a data: URI or an http(s) URL (images only)";

    private static final Dataset JSON_VALUES = new Dataset(java.nio.file.Path.of("spark-row"));
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<Field> fields;
    private final Map<String, String> columns;
    private final Configuration conf;
    private final Path mediaBase;

    /**
     * @param columns   the column of each field whose column is not named like it
     * @param mediaBase the folder relative media paths are taken against, or null for Hadoop's working folder
     */
    RowInputs(List<Field> fields, Map<String, String> columns, Configuration conf, String mediaBase) {
        this.fields = fields;
        this.columns = columns;
        this.conf = conf;
        this.mediaBase = mediaBase == null ? null : new Path(mediaBase);
    }

    /** The column that feeds {@code field}. */
    static String column(Field field, Map<String, String> columns) {
        return columns.getOrDefault(field.name(), field.name());
    }

    /** @throws RowException naming the field and the problem */
    Map<String, Object> of(Row row) {
        Map<String, Object> in = new LinkedHashMap<>();
        for (Field f : fields) {
            String col = column(f, columns);
            int i = row.schema().getFieldIndex(col).getOrElse(() -> -1);
            Object v = i < 0 ? null : row.get(i);
            String what = "field '" + f.name() + "'" + (col.equals(f.name()) ? "" : " (column '" + col + "')");
            if (v == null) {
                if (f.optional()) {
                    in.put(f.name(), null);
                    continue;
                }
                throw new RowException("missing input " + what + " (" + f.type().typeName() + ")");
            }
            in.put(f.name(), value(v, f, f.type(), what));
        }
        return in;
    }

    private Object value(Object v, Field f, FieldType type, String what) {
        if (type instanceof FieldType.OptionalOf o) return v == null ? null : value(v, f, o.inner(), what);
        if (type instanceof FieldType.Media m) return media(v, m.kind(), what);
        if (type instanceof FieldType.ListOf l && l.element() instanceof FieldType.Media m) {
            List<Object> out = new ArrayList<>();
            int i = 0;
            for (Object e : list(v, type, what)) {
                out.add(media(e, m.kind(), what + "[" + i++ + "]"));
            }
            return out;
        }
        return JSON_VALUES.value(json(v, what), f);
    }

    private static Iterable<?> list(Object v, FieldType type, String what) {
        if (v instanceof scala.collection.Iterable<?> s) return CollectionConverters.asJava(s);
        if (v instanceof List<?> l) return l;
        throw new RowException(what + " is " + type.typeName() + ": expected an array column, found "
                + v.getClass().getSimpleName());
    }

    private Media media(Object v, FieldType.Media.Kind kind, String what) {
        try {
            if (v instanceof byte[] bytes) {
                if (bytes.length == 0) throw new RowException(what + ": the binary value is empty");
                return wrap(Payload.wrap(bytes), kind, null);
            }
            if (!(v instanceof String s)) {
                throw new RowException(what + " is media: expected " + MEDIA_FORMS + "; found "
                        + v.getClass().getSimpleName());
            }
            if (s.isBlank()) throw new RowException(what + ": empty; expected " + MEDIA_FORMS);
            boolean url = s.regionMatches(true, 0, "http://", 0, 7) || s.regionMatches(true, 0, "https://", 0, 8);
            if (url) {
                if (kind != FieldType.Media.Kind.IMAGE) {
                    throw new RowException(what + ": only images may be given as http(s) URLs; give a Hadoop path, "
                            + "a data: URI or a binary column");
                }
                return Image.fromUrl(s);
            }
            if (s.regionMatches(true, 0, "data:", 0, 5)) return wrap(Payload.ofDataUri(s), kind, null);
            Path path = new Path(s);
            if (!path.isAbsolute() && path.toUri().getScheme() == null && mediaBase != null)
                path = new Path(mediaBase, path);
            String name = path.getName();
            return wrap(Payload.of(new HadoopSource(path, conf), declared(name, kind)), kind, name);
        } catch (PayloadException | IllegalArgumentException e) {
            throw new RowException(what + ": " + e.getMessage() + " (accepted: " + MEDIA_FORMS + ")", e);
        }
    }

    /** The type of a file whose bytes cannot be sniffed (text), from its name; null to sniff. */
    private static MediaType declared(String name, FieldType.Media.Kind kind) {
        String lower = name.toLowerCase(Locale.ROOT);
        if ((kind == FieldType.Media.Kind.FILE || kind == FieldType.Media.Kind.DOCUMENT)
                && (lower.endsWith(".txt") || lower.endsWith(".md"))) {
            return MediaType.TEXT;
        }
        return null;
    }

    private static Media wrap(Payload p, FieldType.Media.Kind kind, String name) {
        switch (kind) {
            case IMAGE:
                return Image.of(p);
            case AUDIO:
                return Audio.of(p);
            case VIDEO:
                return Video.of(p);
            case FILE:
                return File.of(p, name != null ? name : "file" + extension(p.mediaType()));
            case DOCUMENT:
            default:
                return Document.of(p);
        }
    }

    private static String extension(MediaType type) {
        if (type.equals(MediaType.PDF)) return ".pdf";
        if (type.equals(MediaType.TEXT)) return ".txt";
        if (type.equals(MediaType.PNG)) return ".png";
        if (type.equals(MediaType.JPEG)) return ".jpg";
        return "";
    }

    /** A Spark value as the JSON value {@code dspy4j run} would read for it. */
    static JsonNode json(Object v, String what) {
        if (v == null) return NODES.nullNode();
        if (v instanceof String s) return NODES.textNode(s);
        if (v instanceof Boolean b) return NODES.booleanNode(b);
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return NODES.numberNode(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) return NODES.numberNode(((Number) v).doubleValue());
        if (v instanceof BigDecimal d) return NODES.numberNode(d);
        if (v instanceof Row r) {
            ObjectNode o = NODES.objectNode();
            StructField[] fs = r.schema().fields();
            for (int i = 0; i < fs.length; i++) o.set(fs[i].name(), json(r.get(i), what + "." + fs[i].name()));
            return o;
        }
        if (v instanceof scala.collection.Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            CollectionConverters.asJava(m).forEach((k, x) -> o.set(String.valueOf(k), json(x, what + "." + k)));
            return o;
        }
        if (v instanceof scala.collection.Iterable<?> s) {
            ArrayNode a = NODES.arrayNode();
            int i = 0;
            for (Object x : CollectionConverters.asJava(s)) a.add(json(x, what + "[" + i++ + "]"));
            return a;
        }
        if (v instanceof byte[]) {
            throw new RowException(what + " is not a media field, so it cannot come from a binary column");
        }
        // dates, timestamps, intervals: their text, as a JSON dataset would hold them
        return NODES.textNode(v.toString());
    }
}
