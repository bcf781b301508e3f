package dev.dspy4j.signature;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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

    /**
     * A signature from its parts.
     *
     * @param name a short name, e.g. a record's simple name
     * @param instructions the task for the LM; null or blank for the default ("Given the fields
     *     `a`, `b`, produce the fields `c`.")
     * @param inputs the input fields, in prompt order; may be empty
     * @param outputs the output fields, in prompt order; at least one
     * @return the signature
     * @throws SignatureException if there is no output, a name is repeated, or an output is media or
     *     history (which can only be inputs)
     */
    public static Signature of(String name, String instructions, List<Field> inputs, List<Field> outputs) {
        return new Signature(name, instructions, inputs, outputs);
    }

    /**
     * Parses the string form, as DSPy writes it: {@code "in1, in2: type -> out1: type"}. Untyped
     * fields are {@code str}; types are DSPy's spelling ({@code list[str]}, {@code dict[str, int]},
     * {@code Optional[int]}, {@code Literal['a', 'b']}, {@code Image}, ...).
     *
     * @param text the signature string
     * @return the signature, named {@code StringSignature}, with the default instructions
     * @throws SignatureException naming the position and the problem
     */
    public static Signature parse(String text) {
        return SignatureParser.parse(text, null);
    }

    /**
     * Parses the string form (see {@link #parse(String)}) and sets the instructions.
     *
     * @param text the signature string
     * @param instructions the task for the LM; null or blank for the default
     * @return the signature
     * @throws SignatureException naming the position and the problem
     */
    public static Signature parse(String text, String instructions) {
        return SignatureParser.parse(text, instructions);
    }

    /**
     * The signature of a record whose components are annotated {@link Input} or {@link Output}, in
     * component order; instructions come from {@link Instructions} on the record, the name is its
     * simple name. A component's Java type gives the field type: {@code String} is {@code str},
     * integral types {@code int}, floating ones {@code float}, {@code List}/{@code Map<String, ?>}/
     * {@code Optional} are {@code list}/{@code dict}/{@code Optional}, an enum is a choice of its
     * constant names, a record is a nested object, {@code Object} or a Jackson {@code JsonNode} is
     * {@code Any}, and the media and {@code History} classes are themselves.
     *
     * @param type the record class
     * @return the signature
     * @throws SignatureException if a component is not annotated with exactly one of {@link Input} and
     *     {@link Output}, or has an unsupported type, naming it
     */
    public static Signature of(Class<? extends Record> type) {
        return RecordSignatures.of(type);
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

    /** {@return a short name, e.g. the record's simple name or {@code StringSignature}} */
    public String name() {
        return name;
    }

    /** {@return the instructions for the LM (the default ones if none were given)} */
    public String instructions() {
        return instructions;
    }

    /** {@return the input fields, in order (unmodifiable)} */
    public List<Field> inputs() {
        return inputs;
    }

    /** {@return the output fields, in order (unmodifiable)} */
    public List<Field> outputs() {
        return outputs;
    }

    /** {@return all fields, inputs first (a new unmodifiable list)} */
    public List<Field> fields() {
        return Stream.concat(inputs.stream(), outputs.stream()).toList();
    }

    /**
     * Finds an input field.
     *
     * @param fieldName the field's name
     * @return the input field with this name, or empty
     */
    public Optional<Field> input(String fieldName) {
        return inputs.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /**
     * Finds an output field.
     *
     * @param fieldName the field's name
     * @return the output field with this name, or empty
     */
    public Optional<Field> output(String fieldName) {
        return outputs.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /**
     * Returns this signature with other instructions (as DSPy's {@code with_instructions}).
     *
     * @param newInstructions the task for the LM; null or blank for the default
     * @return a new signature with the same fields
     */
    public Signature withInstructions(String newInstructions) {
        return new Signature(name, newInstructions, inputs, outputs);
    }

    /**
     * Returns a signature with {@code field} as the first input. Default instructions are derived
     * anew from the new fields; given ones are kept (so are all the {@code ...put} methods below).
     *
     * @param field the field to add
     * @return a new signature
     * @throws SignatureException if the name is already taken
     */
    public Signature prependInput(Field field) {
        return withFields(concat(List.of(field), inputs), outputs);
    }

    /**
     * Returns a signature with {@code field} as the last input.
     *
     * @param field the field to add
     * @return a new signature
     * @throws SignatureException if the name is already taken
     */
    public Signature appendInput(Field field) {
        return withFields(concat(inputs, List.of(field)), outputs);
    }

    /**
     * Returns a signature with {@code field} as the first output (as ChainOfThought does with
     * {@code reasoning}).
     *
     * @param field the field to add
     * @return a new signature
     * @throws SignatureException if the name is taken, or the field is media or history
     */
    public Signature prependOutput(Field field) {
        return withFields(inputs, concat(List.of(field), outputs));
    }

    /**
     * Returns a signature with {@code field} as the last output.
     *
     * @param field the field to add
     * @return a new signature
     * @throws SignatureException if the name is taken, or the field is media or history
     */
    public Signature appendOutput(Field field) {
        return withFields(inputs, concat(outputs, List.of(field)));
    }

    /**
     * Returns a signature without the named field, input or output; an unknown name changes nothing.
     *
     * @param fieldName the field's name
     * @return a new signature
     * @throws SignatureException if that leaves no output
     */
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
     *
     * @param other the signature to compare with
     * @return true if the fields match
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

    /** {@return the string form with every type written out, e.g. {@code question: str, image: Image -> answer: int}} */
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
