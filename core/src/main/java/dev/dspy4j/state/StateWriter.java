package dev.dspy4j.state;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.media.History;
import dev.dspy4j.media.Media;
import dev.dspy4j.signature.Example;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a {@link ProgramState} as JSON: into a temporary file in the target's folder, then moved over
 * the target (atomically where the file system allows), so a crash leaves the old file or the new
 * one. Each predictor's sections (signature, adapter, params, LM settings, demos) and their values are
 * written here; media values go to {@link MediaWriter}.
 */
final class StateWriter {
    static final ObjectMapper MAPPER = StateLimits.mapper();

    private final Path file;
    private final MediaWriter media;

    StateWriter(Path file, MediaStorage storage) {
        this.file = file.toAbsolutePath().normalize();
        this.media = new MediaWriter(this.file, storage);
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
            media.write(g, m, at);
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
}
