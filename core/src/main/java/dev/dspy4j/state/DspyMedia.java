package dev.dspy4j.state;

import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.signature.FieldType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The plain ways a DSPy-style state file gives a demo's media value, read once the field's type is
 * known. DSPy itself saves an {@code Image} as its pydantic dump {@code {"url": "data:image/png;base64,..."}}
 * (an {@code Audio} as {@code {"data", "audio_format"}}, a {@code File} as {@code {"file_data",
 * "file_id", "filename"}}); a hand-written file may also give the bare string: a {@code data:} URI,
 * an http(s) URL (images only: nothing is downloaded), or a path relative to the state file's folder.
 *
 * <p>Safety, as for dspy4j's own format: a path must resolve, symlinks included, inside the state
 * file's folder, and its bytes must be of a recognised format of the field's kind (no declared type is
 * taken on trust); a declared type (a data URI's, an {@code audio_format}) must agree with the bytes.
 */
final class DspyMedia {
    static final String ACCEPTED = "a data: URI, an http(s) URL (Image only), a path relative to the state file's "
            + "folder, DSPy's saved form ({\"url\": ...} for an Image, {\"data\": base64, \"audio_format\": ...} for an "
            + "Audio, {\"file_data\": data URI, \"filename\": ...} or {\"file_id\": ...} for a File), or a "
            + DspyStateReader.START + "[content parts]" + DspyStateReader.END + " string";
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");

    private final Json json;

    DspyMedia(Json json) {
        this.json = json;
    }

    /** True for the field types whose plain demo values this class reads: a media type or a list of one. */
    static boolean handles(FieldType type) {
        return type instanceof FieldType.Media
                || (type instanceof FieldType.ListOf l && l.element() instanceof FieldType.Media);
    }

    /** {@code value} read as a value of {@code type} (see {@link #handles}); media values pass through. */
    Object read(Object value, FieldType type, String at) {
        if (type instanceof FieldType.ListOf l) {
            if (!(value instanceof List<?> list)) {
                throw json.error(
                        at, "expected a list of " + l.element().typeName() + " values, found " + describe(value));
            }
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) out.add(read(list.get(i), l.element(), at + "[" + i + "]"));
            return out;
        }
        FieldType.Media.Kind kind = ((FieldType.Media) type).kind();
        if (value instanceof Media m) return m;
        if (value instanceof String s) return fromString(s, kind, at);
        if (value instanceof Map<?, ?> m) return fromMap(m, kind, at);
        throw json.error(
                at, "a " + type.typeName() + " value cannot be " + describe(value) + "; accepted: " + ACCEPTED);
    }

    /** A data URI, an http(s) URL (images), or a path confined to the state file's folder. */
    Media fromString(String s, FieldType.Media.Kind kind, String at) {
        String name = kindName(kind);
        try {
            if (s.regionMatches(true, 0, "data:", 0, 5)) return wrap(Payload.ofDataUri(s), kind, null, at);
            var scheme = SCHEME.matcher(s);
            if (scheme.find()) {
                String sch = scheme.group(1).toLowerCase(Locale.ROOT);
                if ((sch.equals("http") || sch.equals("https")) && kind == FieldType.Media.Kind.IMAGE)
                    return Image.fromUrl(s);
                if (sch.equals("http") || sch.equals("https")) {
                    throw json.error(
                            at,
                            "a field of type " + name + " cannot be given by URL (dspy4j sends only images by URL and "
                                    + "downloads nothing); accepted: " + ACCEPTED);
                }
                throw json.error(
                        at, "unsupported URL scheme '" + sch + "' in " + abbreviate(s) + "; accepted: " + ACCEPTED);
            }
            if (s.isBlank()) throw json.error(at, "an empty string is not a " + name + "; accepted: " + ACCEPTED);
            Path real = json.inside(s, at);
            // sniffed only: a type the bytes cannot show is not taken from a shared file
            return wrap(Payload.of(real), kind, real.getFileName().toString(), at);
        } catch (PayloadException | IllegalArgumentException e) {
            throw json.error(at, e.getMessage(), e);
        }
    }

    private Media fromMap(Map<?, ?> m, FieldType.Media.Kind kind, String at) {
        try {
            switch (kind) {
                case IMAGE: {
                    keys(m, Set.of("url"), at);
                    return fromString(text(m, "url", at), kind, at + ".url");
                }
                case AUDIO: {
                    keys(m, Set.of("data", "audio_format"), at);
                    String format = text(m, "audio_format", at);
                    return new Audio(Payload.ofBase64(text(m, "data", at), MediaType.of("audio/" + format)));
                }
                case FILE: {
                    keys(m, Set.of("file_data", "file_id", "filename"), at);
                    String filename = m.get("filename") == null ? null : text(m, "filename", at);
                    if (m.get("file_id") != null) {
                        if (m.get("file_data") != null)
                            throw json.error(at, "a File has a file_id or file_data, not both");
                        return File.ofId(text(m, "file_id", at));
                    }
                    Payload p = Payload.ofDataUri(text(m, "file_data", at));
                    return wrap(p, kind, filename, at);
                }
                default:
                    throw json.error(at, "a Document cannot be given as an object; accepted: " + ACCEPTED);
            }
        } catch (PayloadException | IllegalArgumentException e) {
            throw json.error(at, e.getMessage(), e);
        }
    }

    private Media wrap(Payload p, FieldType.Media.Kind kind, String filename, String at) {
        String top = p.mediaType().value().substring(0, p.mediaType().value().indexOf('/'));
        if ((kind == FieldType.Media.Kind.IMAGE && !top.equals("image"))
                || (kind == FieldType.Media.Kind.AUDIO && !top.equals("audio"))) {
            throw json.error(
                    at,
                    "the field is " + kindName(kind) + ", but the bytes are "
                            + p.mediaType().value());
        }
        return switch (kind) {
            case IMAGE -> Image.of(p);
            case AUDIO -> new Audio(p);
            case FILE ->
                new File(
                        p,
                        filename == null || filename.isBlank()
                                ? "file." + MediaWriter.extension(p.mediaType())
                                : filename,
                        null);
            case DOCUMENT -> new Document(p, null, null, false);
            case VIDEO -> new dev.dspy4j.media.Video(p);
        };
    }

    private void keys(Map<?, ?> m, Set<String> allowed, String at) {
        for (Object k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw json.error(
                        at,
                        "unknown key '" + k + "'; expected " + new java.util.TreeSet<>(allowed) + " (accepted: "
                                + ACCEPTED + ")");
            }
        }
    }

    private String text(Map<?, ?> m, String key, String at) {
        Object v = m.get(key);
        if (!(v instanceof String s)) throw json.error(at + "." + key, "expected a string, found " + describe(v));
        return s;
    }

    private static String kindName(FieldType.Media.Kind kind) {
        return new FieldType.Media(kind).typeName();
    }

    private static String describe(Object v) {
        if (v == null) return "nothing";
        if (v instanceof String s) return "'" + abbreviate(s) + "'";
        return v instanceof List
                ? "a list"
                : v instanceof Map ? "an object" : v + " (" + v.getClass().getSimpleName() + ")";
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
