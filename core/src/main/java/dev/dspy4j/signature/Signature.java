package dev.dspy4j.signature;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a predictor does: named, typed input and output fields and the instructions for the LM.
 * Immutable; derived signatures are new instances.
 *
 * <pre>{@code
 * Signature qa = Signature.parse("question, passages: list[str] -> answer, confidence: float");
 * Signature classify = Signature.of(Classify.class); // a record with @Input/@Output components
 * }</pre>
 */
public final class Signature {

    private final String name;
    private final String instructions;
    private final List<Field> inputs;
    private final List<Field> outputs;

    private Signature(String name, String instructions, List<Field> inputs, List<Field> outputs) {
        this.name = Objects.requireNonNull(name, "name");
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.instructions = instructions == null || instructions.isBlank()
                ? defaultInstructions(this.inputs, this.outputs)
                : instructions;
        validate();
    }

    /** A signature from its parts; blank instructions are replaced by the default ones. */
    public static Signature of(String name, String instructions, List<Field> inputs, List<Field> outputs) {
        return new Signature(name, instructions, inputs, outputs);
    }

    /**
     * Parses the string form: {@code "in1, in2: type -> out1: type"}. Untyped fields are {@code str}.
     *
     * @throws SignatureException naming the position and the problem
     */
    public static Signature parse(String text) {
        return SignatureParser.parse(text, null);
    }

    /** Parses the string form and sets the instructions. */
    public static Signature parse(String text, String instructions) {
        return SignatureParser.parse(text, instructions);
    }

    /**
     * The signature of a record whose components are annotated {@link Input} or {@link Output};
     * instructions come from {@link Instructions} on the record.
     *
     * @throws SignatureException if a component is not annotated or has an unsupported type
     */
    public static Signature of(Class<? extends Record> type) {
        Objects.requireNonNull(type, "type");
        List<Field> in = new ArrayList<>();
        List<Field> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Input input = c.getAnnotation(Input.class);
            Output output = c.getAnnotation(Output.class);
            if ((input == null) == (output == null)) {
                throw new SignatureException(
                        type.getSimpleName() + "." + c.getName()
                                + ": annotate the component with exactly one of @Input or @Output",
                        -1);
            }
            FieldType ft;
            try {
                ft = fieldTypeOf(c.getGenericType());
            } catch (SignatureException e) {
                throw new SignatureException(type.getSimpleName() + "." + c.getName() + ": " + e.getMessage(), -1);
            }
            Type javaType = c.getType().isPrimitive() ? boxed(c.getType()) : c.getGenericType();
            if (ft instanceof FieldType.OptionalOf) {
                javaType = Types.unwrapOptional(javaType);
            }
            Field f = new Field(c.getName(), ft, input != null ? input.desc() : output.desc(), javaType);
            (input != null ? in : out).add(f);
        }
        Instructions ins = type.getAnnotation(Instructions.class);
        return new Signature(type.getSimpleName(), ins == null ? null : ins.value(), in, out);
    }

    /** Maps a Java type to a field type. */
    static FieldType fieldTypeOf(Type t) {
        if (t instanceof Class<?> c) {
            if (c == String.class || c == CharSequence.class) return FieldType.Scalar.STR;
            if (c == Object.class || com.fasterxml.jackson.databind.JsonNode.class.isAssignableFrom(c)) {
                return FieldType.AnyType.INSTANCE;
            }
            if (c == int.class
                    || c == Integer.class
                    || c == long.class
                    || c == Long.class
                    || c == short.class
                    || c == Short.class
                    || c == java.math.BigInteger.class) {
                return FieldType.Scalar.INT;
            }
            if (c == double.class
                    || c == Double.class
                    || c == float.class
                    || c == Float.class
                    || c == java.math.BigDecimal.class) {
                return FieldType.Scalar.FLOAT;
            }
            if (c == boolean.class || c == Boolean.class) return FieldType.Scalar.BOOL;
            if (c == dev.dspy4j.media.Image.class) return new FieldType.Media(FieldType.Media.Kind.IMAGE);
            if (c == dev.dspy4j.media.Audio.class) return new FieldType.Media(FieldType.Media.Kind.AUDIO);
            if (c == dev.dspy4j.media.File.class) return new FieldType.Media(FieldType.Media.Kind.FILE);
            if (c == dev.dspy4j.media.Document.class) return new FieldType.Media(FieldType.Media.Kind.DOCUMENT);
            if (c == dev.dspy4j.media.Video.class) return new FieldType.Media(FieldType.Media.Kind.VIDEO);
            if (c == dev.dspy4j.media.History.class) return FieldType.HistoryType.INSTANCE;
            if (c.isEnum()) {
                @SuppressWarnings("unchecked")
                Class<? extends Enum<?>> e = (Class<? extends Enum<?>>) c;
                return new FieldType.EnumOf(e);
            }
            if (c.isRecord()) {
                @SuppressWarnings("unchecked")
                Class<? extends Record> r = (Class<? extends Record>) c;
                return new FieldType.RecordOf(r);
            }
            throw new SignatureException("unsupported Java type " + c.getName(), -1);
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (List.class.isAssignableFrom(raw) || raw == java.util.Collection.class) {
                return new FieldType.ListOf(fieldTypeOf(args[0]));
            }
            if (Map.class.isAssignableFrom(raw)) {
                if (args[0] != String.class) {
                    throw new SignatureException("map keys must be String, not " + args[0].getTypeName(), -1);
                }
                return new FieldType.DictOf(fieldTypeOf(args[1]));
            }
            if (raw == Optional.class) {
                return new FieldType.OptionalOf(fieldTypeOf(args[0]));
            }
        }
        throw new SignatureException("unsupported Java type " + t.getTypeName(), -1);
    }

    private static Class<?> boxed(Class<?> c) {
        if (c == int.class) return Integer.class;
        if (c == long.class) return Long.class;
        if (c == double.class) return Double.class;
        if (c == float.class) return Float.class;
        if (c == boolean.class) return Boolean.class;
        if (c == short.class) return Short.class;
        return c;
    }

    static String defaultInstructions(List<Field> inputs, List<Field> outputs) {
        return "Given the fields " + backticked(inputs) + ", produce the fields " + backticked(outputs) + ".";
    }

    private static String backticked(List<Field> fields) {
        return fields.stream().map(f -> "`" + f.name() + "`").collect(Collectors.joining(", "));
    }

    private void validate() {
        if (outputs.isEmpty()) {
            throw new SignatureException("signature " + name + " has no output field", -1);
        }
        Set<String> seen = new HashSet<>();
        for (Field f : inputs) {
            if (!seen.add(f.name())) {
                throw new SignatureException("duplicate input field '" + f.name() + "'", -1);
            }
        }
        Set<String> outs = new HashSet<>();
        for (Field f : outputs) {
            if (seen.contains(f.name())) {
                throw new SignatureException("field '" + f.name() + "' is both an input and an output", -1);
            }
            if (!outs.add(f.name())) {
                throw new SignatureException("duplicate output field '" + f.name() + "'", -1);
            }
            if (f.type().containsMedia() || f.type() == FieldType.HistoryType.INSTANCE) {
                throw new SignatureException(
                        "output field '" + f.name() + "' has type " + f.type().typeName()
                                + ", which can only be an input",
                        -1);
            }
        }
    }

    /** A short name, e.g. the record's simple name or {@code StringSignature}. */
    public String name() {
        return name;
    }

    /** The instructions for the LM (the default ones if none were given). */
    public String instructions() {
        return instructions;
    }

    /** Input fields, in order. */
    public List<Field> inputs() {
        return inputs;
    }

    /** Output fields, in order. */
    public List<Field> outputs() {
        return outputs;
    }

    /** All fields, inputs first. */
    public List<Field> fields() {
        return Stream.concat(inputs.stream(), outputs.stream()).toList();
    }

    /** The input field with this name, if any. */
    public Optional<Field> input(String fieldName) {
        return inputs.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /** The output field with this name, if any. */
    public Optional<Field> output(String fieldName) {
        return outputs.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /** This signature with other instructions. */
    public Signature withInstructions(String newInstructions) {
        return new Signature(name, newInstructions, inputs, outputs);
    }

    /** A new signature with {@code field} as the first input. */
    public Signature prependInput(Field field) {
        return withFields(concat(List.of(field), inputs), outputs);
    }

    /** A new signature with {@code field} as the last input. */
    public Signature appendInput(Field field) {
        return withFields(concat(inputs, List.of(field)), outputs);
    }

    /** A new signature with {@code field} as the first output (as ChainOfThought does with {@code reasoning}). */
    public Signature prependOutput(Field field) {
        return withFields(inputs, concat(List.of(field), outputs));
    }

    /** A new signature with {@code field} as the last output. */
    public Signature appendOutput(Field field) {
        return withFields(inputs, concat(outputs, List.of(field)));
    }

    /** A new signature without the named field. */
    public Signature without(String fieldName) {
        return withFields(
                inputs.stream().filter(f -> !f.name().equals(fieldName)).toList(),
                outputs.stream().filter(f -> !f.name().equals(fieldName)).toList());
    }

    private Signature withFields(List<Field> in, List<Field> out) {
        boolean defaultInstructions = instructions.equals(defaultInstructions(inputs, outputs));
        return new Signature(name, defaultInstructions ? null : instructions, in, out);
    }

    private static List<Field> concat(List<Field> a, List<Field> b) {
        List<Field> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * True if {@code other} has the same input and output fields, in the same order, with the same
     * names and types, whatever their spelling ({@code label} and {@code label: str},
     * {@code Optional[int]} and {@code int | None} are the same). Names, instructions, descriptions
     * and the Java types values are converted to are not compared: this is the check that a saved
     * state fits a program.
     */
    public boolean sameFields(Signature other) {
        return sameFields(inputs, other.inputs) && sameFields(outputs, other.outputs);
    }

    private static boolean sameFields(List<Field> a, List<Field> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).name().equals(b.get(i).name())
                    || !a.get(i).type().equals(b.get(i).type())) return false;
        }
        return true;
    }

    /** The string form, e.g. {@code question: str, image: Image -> answer: int}. */
    public String toSignatureString() {
        return render(inputs) + " -> " + render(outputs);
    }

    private static String render(List<Field> fields) {
        return fields.stream().map(f -> f.name() + ": " + f.type().typeName()).collect(Collectors.joining(", "));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Signature s
                && s.name.equals(name)
                && s.instructions.equals(instructions)
                && s.inputs.equals(inputs)
                && s.outputs.equals(outputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, instructions, inputs, outputs);
    }

    @Override
    public String toString() {
        return name + "(" + toSignatureString() + ")";
    }
}
