package dev.dspy4j.adapter;

import dev.dspy4j.media.History;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import dev.dspy4j.signature.Signature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The prompt layout shared by the three adapters; they differ only in how a field is marked and
 * how the outputs are written.
 *
 * <p>Messages, in order: one system message (the fields with types and descriptions, the
 * structure of an exchange, the instructions); for each demo a user/assistant pair, partial demos
 * first, then complete ones; for each turn of a {@code History} input a user/assistant pair; the
 * user message with the current inputs, ending with a reminder of the outputs to produce. The
 * system message and the demos are marked as the prompt's stable prefix (the same for every input).
 */
abstract class FieldAdapter implements Adapter {
    /** Opens the user message of a demo that lacks some fields. */
    static final String PARTIAL = "This example is partial: some of its fields were not provided.";

    /** Adapter name for error messages. */
    abstract String name();

    /** Text before an input value, e.g. the field marker. */
    abstract String inputOpen(Field f);

    /** Text after an input value. */
    abstract String inputClose(Field f);

    /** One sentence telling the LM how an exchange is laid out. */
    abstract String structureIntro();

    /** The outputs part of the structure, with placeholders. */
    abstract String outputStructure(List<Field> outputs);

    /**
     * The assistant's answer holding {@code values}.
     *
     * @param all if true, every output is written and a missing one is marked as not given; if
     *            false, only the outputs present in {@code values} are written
     */
    abstract String answer(List<Field> outputs, Map<String, ?> values, boolean all);

    /** The closing line of the final user message: which outputs to produce, in order. */
    abstract String reminder(List<Field> outputs);

    /** A value's text as it goes between this adapter's marks; as it is unless the marks are markup. */
    String escape(String text) {
        return text;
    }

    @Override
    public Prompt format(Signature signature, List<Example> demos, Map<String, ?> inputs) {
        Objects.requireNonNull(signature, "signature");
        Objects.requireNonNull(demos, "demos");
        Objects.requireNonNull(inputs, "inputs");
        List<Field> ins = plainInputs(signature);
        List<Field> outs = signature.outputs();
        Prompt.Builder b = Prompt.builder();
        b.system(systemMessage(signature, ins, outs));

        List<Map<String, Object>> partial = new ArrayList<>();
        List<Map<String, Object>> complete = new ArrayList<>();
        for (Example demo : demos) {
            Map<String, Object> v = demo.toMap();
            int in = present(ins, v);
            int out = present(outs, v);
            if ((in == 0 && !ins.isEmpty()) || out == 0) continue;
            (in == ins.size() && out == outs.size() ? complete : partial).add(v);
        }
        for (Map<String, Object> v : partial) {
            b.user().text(PARTIAL).text("\n\n");
            appendInputs(b, ins, v, true);
            b.end();
            b.assistant(answer(outs, v, true));
        }
        for (Map<String, Object> v : complete) {
            b.user();
            appendInputs(b, ins, v, true);
            b.end();
            b.assistant(answer(outs, v, true));
        }
        b.markStablePrefix();

        for (Field h : signature.inputs()) {
            if (h.type() != FieldType.HistoryType.INSTANCE) continue;
            Object hv = ValueFormat.unwrap(inputs.get(h.name()));
            if (hv == null) continue;
            if (!(hv instanceof History history)) {
                throw new IllegalArgumentException("input field '" + h.name() + "' is a History, not "
                        + hv.getClass().getName());
            }
            for (Map<String, Object> turn : history.turns()) {
                if (present(ins, turn) > 0) {
                    b.user();
                    appendInputs(b, ins, turn, false);
                    b.end();
                }
                if (present(outs, turn) > 0) {
                    b.assistant(answer(outs, turn, false));
                }
            }
        }

        for (Field f : ins) {
            if (!inputs.containsKey(f.name()) && !f.optional()) {
                throw new IllegalArgumentException("missing input field '" + f.name() + "' for " + signature.name()
                        + " (" + signature.toSignatureString() + "); got " + inputs.keySet());
            }
        }
        b.user();
        if (appendInputs(b, ins, inputs, true)) b.text("\n\n");
        b.text(reminder(outs)).end();
        return b.build();
    }

    /**
     * Appends the input fields to the open message, separated by blank lines.
     *
     * @param all if true, a missing field is marked as not given; if false, it is left out
     * @return true if anything was appended
     */
    private boolean appendInputs(Prompt.Builder b, List<Field> fields, Map<String, ?> values, boolean all) {
        boolean first = true;
        for (Field f : fields) {
            Object v = values.get(f.name());
            if (!all && ValueFormat.absent(v)) continue;
            if (!first) b.text("\n\n");
            first = false;
            b.text(inputOpen(f));
            ValueFormat.append(b, v, f.name(), this::escape);
            b.text(inputClose(f));
        }
        return !first;
    }

    private String systemMessage(Signature signature, List<Field> ins, List<Field> outs) {
        StringBuilder sb = new StringBuilder();
        if (!ins.isEmpty()) {
            sb.append("Your inputs:\n");
            fieldList(sb, ins);
            sb.append("\n\n");
        }
        sb.append("Your outputs:\n");
        fieldList(sb, outs);
        sb.append("\n\n").append(structureIntro()).append("\n\n");
        for (Field f : ins) {
            sb.append(inputOpen(f))
                    .append('{')
                    .append(f.name())
                    .append('}')
                    .append(inputClose(f))
                    .append("\n\n");
        }
        sb.append(outputStructure(outs));
        sb.append("\n\nYour task: ").append(signature.instructions());
        return sb.toString();
    }

    private static void fieldList(StringBuilder sb, List<Field> fields) {
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (i > 0) sb.append('\n');
            sb.append("- `")
                    .append(f.name())
                    .append("` (")
                    .append(f.type().typeName())
                    .append(')');
            if (!f.description().isBlank())
                sb.append(": ").append(f.description().strip());
        }
    }

    /** The inputs that are rendered as fields: all but {@code History} ones. */
    static List<Field> plainInputs(Signature signature) {
        return signature.inputs().stream()
                .filter(f -> f.type() != FieldType.HistoryType.INSTANCE)
                .toList();
    }

    private static int present(List<Field> fields, Map<String, ?> values) {
        int n = 0;
        for (Field f : fields) {
            if (!ValueFormat.absent(values.get(f.name()))) n++;
        }
        return n;
    }

    /**
     * How a non-string value must be written, or null for a string: an integer, a number, true or
     * false, one of the choices, or JSON matching a schema.
     */
    static String note(FieldType type) {
        return note(type, "JSON");
    }

    /** Like {@link #note(FieldType)}, naming a structured value {@code structured} (e.g. "a value"). */
    static String note(FieldType type, String structured) {
        FieldType t = type instanceof FieldType.OptionalOf o ? o.inner() : type;
        if (t == FieldType.Scalar.STR) return null;
        if (t == FieldType.Scalar.INT) return "an integer";
        if (t == FieldType.Scalar.FLOAT) return "a number";
        if (t == FieldType.Scalar.BOOL) return "true or false";
        if (t instanceof FieldType.Literal l) return "one of: " + String.join(", ", l.choices());
        if (t instanceof FieldType.EnumOf e) return "one of: " + String.join(", ", e.choices());
        if (t == FieldType.AnyType.INSTANCE) return "any JSON value";
        try {
            return structured + " matching the schema " + ValueFormat.json(JsonSchemas.of(t), "schema");
        } catch (IllegalArgumentException e) { // a type with no JSON form (JsonSchemas names it)
            return structured + " for a " + t.typeName();
        }
    }

    /** A shorter note for the reminder: the JSON schema is only named. */
    static String shortNote(FieldType type) {
        FieldType t = type instanceof FieldType.OptionalOf o ? o.inner() : type;
        if (t instanceof FieldType.ListOf
                || t instanceof FieldType.DictOf
                || t instanceof FieldType.RecordOf
                || t instanceof FieldType.TupleOf
                || t instanceof FieldType.UnionOf
                || t == FieldType.AnyType.INSTANCE) {
            return "JSON";
        }
        return note(t);
    }

    /** {@code first}, then {@code second}, then {@code third}: each item, with its short note if any. */
    static String inOrder(List<Field> outs, Function<Field, String> label) {
        return outs.stream()
                .map(f -> {
                    String n = shortNote(f.type());
                    return label.apply(f) + (n == null ? "" : " (" + n + ")");
                })
                .collect(Collectors.joining(", then "));
    }

    /** Reads one output's raw value; returns {@link #MISSING} if the completion does not have it. */
    interface Reader {
        Object read(Field f) throws ValueParser.ValueException;
    }

    /** Marks an output the completion does not have. */
    static final Object MISSING = new Object();

    /**
     * Reads every output with {@code reader}; missing optional outputs become null.
     *
     * @throws AdapterParseException naming the missing and unparsable outputs
     */
    final Map<String, Object> collect(Signature signature, String completion, Reader reader) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        Map<String, String> bad = new LinkedHashMap<>();
        for (Field f : signature.outputs()) {
            try {
                Object v = reader.read(f);
                if (v == MISSING) {
                    if (f.optional()) {
                        out.put(f.name(), null);
                    } else {
                        missing.add(f.name());
                    }
                } else {
                    out.put(f.name(), v);
                }
            } catch (ValueParser.ValueException e) {
                bad.put(f.name(), "value " + e.getMessage());
            }
        }
        if (!missing.isEmpty() || !bad.isEmpty()) {
            throw new AdapterParseException(name(), signature, completion, missing, bad);
        }
        return Collections.unmodifiableMap(out);
    }
}
