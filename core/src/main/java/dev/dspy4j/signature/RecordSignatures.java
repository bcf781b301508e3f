package dev.dspy4j.signature;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the record form of a signature ({@link Signature#of(Class)}): one field per annotated record
 * component, its field type from the component's Java type. {@link SignatureParser} reads the string form.
 */
final class RecordSignatures {
    private RecordSignatures() {}

    /** See {@link Signature#of(Class)}. */
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
        return Signature.of(type.getSimpleName(), ins == null ? null : ins.value(), in, out);
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
}
