package dev.dspy4j.state;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.History;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.signature.Example;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Writes a {@link ProgramState} as JSON, streaming media into files or data URIs. */
final class StateWriter {
    static final ObjectMapper MAPPER = StateLimits.mapper();

    private final Path file;
    private final Path mediaDir;
    private final String mediaDirName;
    private final MediaStorage storage;
    private long inlined;

    StateWriter(Path file, MediaStorage storage) {
        this.file = file.toAbsolutePath().normalize();
        this.storage = storage;
        this.mediaDirName = mediaDirName(this.file);
        this.mediaDir = this.file.resolveSibling(mediaDirName);
    }

    /** {@code prog.json} keeps its media in {@code prog.media}. */
    static String mediaDirName(Path jsonFile) {
        String name = jsonFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name) + ".media";
    }

    void write(ProgramState state) {
        Path parent = file.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp);
                    JsonGenerator g = MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                g.useDefaultPrettyPrinter();
                writeState(g, state);
                g.writeRaw('\n');
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ProgramStateException(file, null, "cannot be written: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private void writeState(JsonGenerator g, ProgramState state) throws IOException {
        g.writeStartObject();
        g.writeNumberField("dspy4j_state", ProgramState.VERSION);
        if (state.program() != null) g.writeStringField("program", state.program());
        g.writeObjectFieldStart("predictors");
        for (Map.Entry<String, PredictorState> e : state.predictors().entrySet()) {
            g.writeFieldName(e.getKey());
            writePredictor(g, e.getValue(), "$.predictors." + e.getKey());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private void writePredictor(JsonGenerator g, PredictorState p, String at) throws IOException {
        if (p.signature() == null) {
            throw new ProgramStateException(file, at, "predictor has no signature string to save");
        }
        g.writeStartObject();
        g.writeObjectFieldStart("signature");
        g.writeStringField("name", p.signatureName() == null ? "StringSignature" : p.signatureName());
        g.writeStringField("string", p.signature());
        g.writeStringField("instructions", p.instructions());
        g.writeObjectFieldStart("descriptions");
        for (PredictorState.FieldState f : p.fields()) {
            g.writeStringField(f.name(), f.description() == null ? "" : f.description());
        }
        g.writeEndObject();
        g.writeEndObject();
        if (p.adapter() != null) g.writeStringField("adapter", p.adapter());
        if (Boolean.FALSE.equals(p.jsonFallback())) g.writeBooleanField("json_fallback", false);
        g.writeFieldName("params");
        writeValue(g, p.params() == null ? Map.of() : p.params(), at + ".params");
        g.writeNumberField("n", p.n() == null ? 1 : p.n());
        if (p.rolloutId() != null) g.writeStringField("rollout_id", p.rolloutId());
        g.writeFieldName("lm");
        if (p.lm() == null) {
            g.writeNull();
        } else {
            LmSettings lm = p.lm();
            g.writeStartObject();
            if (lm.provider() != null) g.writeStringField("provider", lm.provider());
            g.writeStringField("model", lm.model());
            if (lm.baseUrl() != null) g.writeStringField("base_url", lm.baseUrl());
            g.writeFieldName("params");
            writeValue(g, lm.params(), at + ".lm.params");
            g.writeEndObject();
        }
        g.writeArrayFieldStart("demos");
        int i = 0;
        for (Example demo : p.demos()) {
            String dat = at + ".demos[" + i++ + "]";
            g.writeStartObject();
            g.writeObjectFieldStart("values");
            for (Map.Entry<String, Object> v : demo.toMap().entrySet()) {
                g.writeFieldName(v.getKey());
                writeValue(g, v.getValue(), dat + ".values." + v.getKey());
            }
            g.writeEndObject();
            if (!demo.inputKeys().isEmpty()) {
                g.writeArrayFieldStart("input_keys");
                for (String k : demo.inputKeys()) g.writeString(k);
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void writeValue(JsonGenerator g, Object v, String at) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Number || v instanceof JsonNode) {
            g.writeTree(MAPPER.valueToTree(v));
        } else if (v instanceof Character || v instanceof CharSequence) {
            g.writeString(v.toString());
        } else if (v instanceof Enum<?> e) {
            g.writeString(e.name());
        } else if (v instanceof Media m) {
            writeMedia(g, m, at);
        } else if (v instanceof History h) {
            g.writeStartObject();
            g.writeFieldName("$history");
            writeValue(g, h.turns(), at + ".$history");
            g.writeEndObject();
        } else if (v instanceof Optional<?> o) {
            writeValue(g, o.orElse(null), at);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                g.writeFieldName(key);
                writeValue(g, e.getValue(), at + "." + key);
            }
            g.writeEndObject();
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            int i = 0;
            for (Object x : c) writeValue(g, x, at + "[" + i++ + "]");
            g.writeEndArray();
        } else if (v.getClass().isArray()) {
            g.writeStartArray();
            for (int i = 0; i < Array.getLength(v); i++) writeValue(g, Array.get(v, i), at + "[" + i + "]");
            g.writeEndArray();
        } else if (v instanceof Record r) {
            g.writeStartObject();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                Object cv;
                try {
                    c.getAccessor().setAccessible(true);
                    cv = c.getAccessor().invoke(r);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new ProgramStateException(
                            file, at, "cannot read record component " + c.getName() + ": " + e, e);
                }
                g.writeFieldName(c.getName());
                writeValue(g, cv, at + "." + c.getName());
            }
            g.writeEndObject();
        } else {
            JsonNode tree;
            try {
                tree = MAPPER.valueToTree(v);
            } catch (IllegalArgumentException e) {
                throw new ProgramStateException(
                        file,
                        at,
                        "a value of type " + v.getClass().getName() + " cannot be saved as JSON: " + e.getMessage(),
                        e);
            }
            g.writeTree(tree);
        }
    }

    private void writeMedia(JsonGenerator g, Media m, String at) throws IOException {
        g.writeStartObject();
        if (m instanceof Image img) {
            g.writeStringField("$media", "image");
            if (img.isRemote()) {
                g.writeStringField("url", img.url().toString());
            } else {
                writePayload(g, img.payload(), at);
            }
            if (img.detail() != null) g.writeStringField("detail", img.detail());
        } else if (m instanceof Audio a) {
            g.writeStringField("$media", "audio");
            writePayload(g, a.payload(), at);
        } else if (m instanceof dev.dspy4j.media.Video v) {
            g.writeStringField("$media", "video");
            writePayload(g, v.payload(), at);
        } else if (m instanceof File f) {
            g.writeStringField("$media", "file");
            if (f.payload() == null) {
                g.writeStringField("file_id", f.fileId());
                if (f.idType() != null)
                    g.writeStringField("media_type", f.idType().value());
            } else {
                writePayload(g, f.payload(), at);
                if (f.filename() != null) g.writeStringField("filename", f.filename());
            }
        } else if (m instanceof Document d) {
            g.writeStringField("$media", "document");
            writePayload(g, d.payload(), at);
            if (d.title() != null) g.writeStringField("title", d.title());
            if (d.context() != null) g.writeStringField("context", d.context());
            if (d.citations()) g.writeBooleanField("citations", true);
        }
        g.writeEndObject();
    }

    private void writePayload(JsonGenerator g, Payload p, String at) throws IOException {
        if (storage == MediaStorage.INLINE) {
            inlined += p.size();
            if (inlined > StateLimits.MAX_INLINE_BYTES) {
                // a file past the read limits could not be loaded back, so it is not written
                throw new ProgramStateException(
                        file,
                        at,
                        "the inline media would come to " + inlined + " bytes, over the "
                                + "limit of " + StateLimits.MAX_INLINE_BYTES + " bytes for one state file (StateLimits."
                                + "MAX_INLINE_BYTES); save with MediaStorage.FILES, which writes each payload to its own file");
            }
            g.writeStringField("sha256", p.digest().hex());
            g.writeFieldName("data");
            // streamed: the data URI is produced from the bytes while writing, never held whole
            // (Jackson does not close the reader: closing it closes the payload's stream, a file handle)
            try (DataUriReader r = new DataUriReader(p)) {
                g.writeString(r, -1);
            }
            return;
        }
        String hex = p.digest().hex();
        String name = hex + "." + extension(p.mediaType());
        Path target = mediaDir.resolve(name);
        try {
            Files.createDirectories(mediaDir);
            if (!Files.isRegularFile(target) || Files.size(target) != p.size()) {
                Path tmp = Files.createTempFile(mediaDir, hex, ".tmp");
                try {
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        p.writeTo(out);
                    }
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ProgramStateException(file, at, "cannot write media file " + target + ": " + e.getMessage(), e);
        }
        g.writeStringField("file", mediaDirName + "/" + name);
        g.writeStringField("media_type", p.mediaType().value());
        g.writeNumberField("size", p.size());
        g.writeStringField("sha256", hex);
    }

    /** A file extension for a media type. */
    static String extension(MediaType t) {
        switch (t.value()) {
            case "image/png":
                return "png";
            case "image/jpeg":
                return "jpg";
            case "image/gif":
                return "gif";
            case "image/webp":
                return "webp";
            case "image/bmp":
                return "bmp";
            case "image/tiff":
                return "tiff";
            case "image/heic":
                return "heic";
            case "image/heif":
                return "heif";
            case "image/avif":
                return "avif";
            case "audio/wav":
                return "wav";
            case "audio/mpeg":
                return "mp3";
            case "audio/flac":
                return "flac";
            case "audio/ogg":
                return "ogg";
            case "audio/mp4":
                return "m4a";
            case "audio/aac":
                return "aac";
            case "audio/webm", "video/webm":
                return "webm";
            case "video/mp4":
                return "mp4";
            case "video/quicktime":
                return "mov";
            case "application/pdf":
                return "pdf";
            case "text/plain":
                return "txt";
            default:
                return "bin";
        }
    }

    /** Characters of {@code data:<type>;base64,<base64 of the payload>}, encoded chunk by chunk. */
    static final class DataUriReader extends Reader {
        private static final int CHUNK = 3 * 4096;
        private final Payload payload;
        private final byte[] bytes = new byte[CHUNK];
        private final char[] chars = new char[CHUNK / 3 * 4];
        private String prefix;
        private InputStream in;
        private int pos;
        private int limit;
        private boolean eof;

        DataUriReader(Payload payload) {
            this.payload = payload;
            this.prefix = "data:" + payload.mediaType().value() + ";base64,";
        }

        @Override
        public int read(char[] dst, int off, int len) throws IOException {
            if (len == 0) return 0;
            if (prefix != null) {
                int n = Math.min(len, prefix.length());
                prefix.getChars(0, n, dst, off);
                prefix = n == prefix.length() ? null : prefix.substring(n);
                return n;
            }
            if (pos == limit && !fill()) return -1;
            int n = Math.min(len, limit - pos);
            System.arraycopy(chars, pos, dst, off, n);
            pos += n;
            return n;
        }

        private boolean fill() throws IOException {
            if (eof) return false;
            if (in == null) in = payload.openStream();
            int n = in.readNBytes(bytes, 0, bytes.length);
            if (n < bytes.length) eof = true;
            if (n == 0) return false;
            byte[] src = n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
            byte[] enc = Base64.getEncoder().encode(src);
            for (int i = 0; i < enc.length; i++) chars[i] = (char) enc[i];
            pos = 0;
            limit = enc.length;
            return true;
        }

        @Override
        public void close() throws IOException {
            if (in != null) in.close();
        }
    }
}
