package dev.dspy4j.state;

import com.fasterxml.jackson.databind.JavaType;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.media.Media;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.signature.SignatureException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Applies one predictor's saved state to a {@link Predict} of the program: checks the saved signature
 * against the program's, sets instructions, field descriptions, demos (each value converted to its
 * field's Java type, DSPy's media forms read by {@link DspyMedia}), parameters, {@code n}, rollout id
 * and LM. Every mismatch is a {@link ProgramStateException} naming the file and the JSON path.
 */
final class PredictorApplier {
    private final ProgramState.Format format;
    private final Path source;

    PredictorApplier(ProgramState.Format format, Path source) {
        this.format = format;
        this.source = source;
    }

    Predict apply(String name, Predict p, PredictorState s, Function<LmSettings, LanguageModel> lms) {
        String at = format == ProgramState.Format.DSPY4J ? "$.predictors." + name : "$." + name;
        Signature sig = p.signature();
        if (s.signature() != null && !sameFields(s.signature(), sig)) {
            throw new ProgramStateException(
                    source,
                    at + ".signature",
                    "predictor '" + name + "' was saved with signature '" + s.signature() + "', but the program's is '"
                            + sig.toSignatureString() + "'");
        }
        List<Field> fields = sig.fields();
        if (!s.fields().isEmpty() && s.fields().size() != fields.size()) {
            throw new ProgramStateException(
                    source,
                    at + ".signature.fields",
                    "predictor '" + name + "' was saved with "
                            + s.fields().size() + " fields, but the program's signature has " + fields.size() + " "
                            + fields.stream().map(Field::name).toList());
        }
        List<Field> in = new ArrayList<>();
        List<Field> out = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            String d = s.fields().isEmpty() ? null : s.fields().get(i).description();
            if (d != null && d.equals("${" + f.name() + "}")) d = null; // DSPy's placeholder for "no description"
            Field g = d == null ? f : f.withDescription(d);
            (i < sig.inputs().size() ? in : out).add(g);
        }
        String instructions = s.instructions() == null ? sig.instructions() : s.instructions();
        String sigName = s.signatureName() == null ? sig.name() : s.signatureName();
        Signature applied = Signature.of(sigName, instructions, in, out);
        List<Example> demos = new ArrayList<>();
        for (int i = 0; i < s.demos().size(); i++) {
            String dat = at + ".demos[" + i + "]";
            demos.add(convertDemo(
                    s.demos().get(i), applied, format == ProgramState.Format.DSPY4J ? dat + ".values" : dat));
        }
        Predict r = p.withSignature(applied).withDemos(demos);
        if (s.params() != null) r = r.withParams(s.params());
        if (s.n() != null) r = r.withN(s.n());
        if (format == ProgramState.Format.DSPY4J) r = r.withRolloutId(s.rolloutId());
        if (lms != null && s.lm() != null) r = r.withLm(lms.apply(s.lm()));
        return r;
    }

    /**
     * True if the saved signature string has the program's fields: compared by structure (names and
     * types in order), so that {@code image: Image -> label} fits {@code image: Image -> label: str}.
     * A saved string that does not parse (a record type, which only the record form can name) must
     * equal the program's string form.
     */
    private static boolean sameFields(String saved, Signature program) {
        if (saved.equals(program.toSignatureString())) return true;
        try {
            return Signature.parse(saved).sameFields(program);
        } catch (SignatureException e) {
            return false;
        }
    }

    private Example convertDemo(Example demo, Signature sig, String at) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : demo.toMap().entrySet()) {
            Field f =
                    sig.input(e.getKey()).orElseGet(() -> sig.output(e.getKey()).orElse(null));
            values.put(e.getKey(), f == null ? e.getValue() : convert(e.getValue(), f, at + "." + e.getKey()));
        }
        Example ex = Example.of(values);
        return demo.inputKeys().isEmpty() ? ex : ex.withInputs(new ArrayList<>(demo.inputKeys()));
    }

    private Object convert(Object v, Field f, String at) {
        if (format == ProgramState.Format.DSPY && v != null && !(v instanceof Media) && DspyMedia.handles(f.type())) {
            // DSPy files hold media as {"url": ...} dicts or plain strings; only the field's type says which
            return new DspyMedia(new Json(source)).read(v, f.type(), at);
        }
        if (v == null || v instanceof Media || containsMedia(v)) {
            if (f.type().isMedia() && v != null && !(v instanceof Media)) {
                throw new ProgramStateException(
                        source,
                        at,
                        "field '" + f.name() + "' is " + f.type().typeName() + ", but the saved value is "
                                + describe(v));
            }
            return v;
        }
        if (f.type().isMedia()) {
            throw new ProgramStateException(
                    source,
                    at,
                    "field '" + f.name() + "' is " + f.type().typeName() + ", but the saved value is " + describe(v)
                            + ", not a media value");
        }
        if (f.javaType() instanceof Class<?> c && c.isInstance(v)) return v;
        try {
            JavaType t = StateWriter.MAPPER.getTypeFactory().constructType(f.javaType());
            return StateWriter.MAPPER.convertValue(v, t);
        } catch (IllegalArgumentException e) {
            throw new ProgramStateException(
                    source,
                    at,
                    "the saved value " + describe(v) + " cannot be read as field '" + f.name() + "' of type "
                            + f.type().typeName() + ": " + e.getMessage(),
                    e);
        }
    }

    private static boolean containsMedia(Object v) {
        if (v instanceof Media) return true;
        if (v instanceof Collection<?> c) return c.stream().anyMatch(PredictorApplier::containsMedia);
        if (v instanceof Map<?, ?> m) return m.values().stream().anyMatch(PredictorApplier::containsMedia);
        return false;
    }

    private static String describe(Object v) {
        String s = String.valueOf(v);
        if (s.length() > 60) s = s.substring(0, 60) + "...";
        return v instanceof String ? "'" + s + "'" : s + " (" + v.getClass().getSimpleName() + ")";
    }
}
