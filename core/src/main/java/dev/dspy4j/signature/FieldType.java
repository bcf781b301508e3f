package dev.dspy4j.signature;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The type of a signature field, independent of the Java type that carries it.
 *
 * <p>The string form names types the way DSPy does ({@code str}, {@code int}, {@code list[str]},
 * {@code Literal['a','b']}, {@code Image}, ...); {@link #typeName()} returns that name.
 */
public sealed interface FieldType {

    /** The name of this type in signature strings, e.g. {@code list[int]}. */
    String typeName();

    /** The Java type a value of this type is converted to when no record component says otherwise. */
    Type defaultJavaType();

    /** True for types whose values are media ({@code Image}, {@code Audio}, {@code File}, {@code Document}). */
    default boolean isMedia() {
        return this instanceof Media;
    }

    /** Scalar types. */
    enum Scalar implements FieldType {
        STR("str", String.class),
        INT("int", Long.class),
        FLOAT("float", Double.class),
        BOOL("bool", Boolean.class);

        private final String typeName;
        private final Class<?> javaType;

        Scalar(String typeName, Class<?> javaType) {
            this.typeName = typeName;
            this.javaType = javaType;
        }

        @Override
        public String typeName() {
            return typeName;
        }

        @Override
        public Type defaultJavaType() {
            return javaType;
        }
    }

    /** {@code list[T]}. */
    record ListOf(FieldType element) implements FieldType {
        public ListOf {
            Objects.requireNonNull(element, "element");
        }

        @Override
        public String typeName() {
            return "list[" + element.typeName() + "]";
        }

        @Override
        public Type defaultJavaType() {
            return Types.parameterized(List.class, element.defaultJavaType());
        }
    }

    /** {@code dict[str, T]}: keys are always strings. */
    record DictOf(FieldType value) implements FieldType {
        public DictOf {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String typeName() {
            return "dict[str, " + value.typeName() + "]";
        }

        @Override
        public Type defaultJavaType() {
            return Types.parameterized(Map.class, String.class, value.defaultJavaType());
        }
    }

    /** {@code Optional[T]}: the value may be absent (null). */
    record OptionalOf(FieldType inner) implements FieldType {
        public OptionalOf {
            Objects.requireNonNull(inner, "inner");
        }

        @Override
        public String typeName() {
            return "Optional[" + inner.typeName() + "]";
        }

        @Override
        public Type defaultJavaType() {
            return inner.defaultJavaType();
        }
    }

    /** {@code Literal['a','b']}: one of a fixed set of strings. */
    record Literal(List<String> choices) implements FieldType {
        public Literal {
            choices = List.copyOf(choices);
            if (choices.isEmpty()) {
                throw new IllegalArgumentException("a Literal type needs at least one choice");
            }
        }

        @Override
        public String typeName() {
            return choices.stream().map(c -> "'" + c + "'").collect(Collectors.joining(", ", "Literal[", "]"));
        }

        @Override
        public Type defaultJavaType() {
            return String.class;
        }
    }

    /** A Java enum; its constant names are the choices. */
    record EnumOf(Class<? extends Enum<?>> type) implements FieldType {
        public EnumOf {
            Objects.requireNonNull(type, "type");
        }

        /** The constant names, in declaration order. */
        public List<String> choices() {
            return java.util.Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
        }

        @Override
        public String typeName() {
            return type.getSimpleName();
        }

        @Override
        public Type defaultJavaType() {
            return type;
        }
    }

    /** A Java record, rendered and parsed as a JSON object. */
    record RecordOf(Class<? extends Record> type) implements FieldType {
        public RecordOf {
            Objects.requireNonNull(type, "type");
        }

        @Override
        public String typeName() {
            return type.getSimpleName();
        }

        @Override
        public Type defaultJavaType() {
            return type;
        }
    }

    /** A media input: {@code Image}, {@code Audio}, {@code Video}, {@code File} or {@code Document}. */
    record Media(Kind kind) implements FieldType {
        /** The media kinds. */
        public enum Kind { IMAGE, AUDIO, FILE, DOCUMENT, VIDEO }

        public Media {
            Objects.requireNonNull(kind, "kind");
        }

        @Override
        public String typeName() {
            return switch (kind) {
                case IMAGE -> "Image";
                case AUDIO -> "Audio";
                case FILE -> "File";
                case DOCUMENT -> "Document";
                case VIDEO -> "Video";
            };
        }

        @Override
        public Type defaultJavaType() {
            return switch (kind) {
                case IMAGE -> dev.dspy4j.media.Image.class;
                case AUDIO -> dev.dspy4j.media.Audio.class;
                case FILE -> dev.dspy4j.media.File.class;
                case DOCUMENT -> dev.dspy4j.media.Document.class;
                case VIDEO -> dev.dspy4j.media.Video.class;
            };
        }
    }

    /** A conversation history input ({@code History}). */
    enum HistoryType implements FieldType {
        INSTANCE;

        @Override
        public String typeName() {
            return "History";
        }

        @Override
        public Type defaultJavaType() {
            return dev.dspy4j.media.History.class;
        }
    }

    /** True if this type, or a type nested in it (a record's components included), is a media type. */
    default boolean containsMedia() {
        if (this instanceof RecordOf r) {
            return Types.holdsMedia(r.type(), new java.util.HashSet<>());
        }
        if (this instanceof ListOf l) {
            return l.element().containsMedia();
        }
        if (this instanceof DictOf d) {
            return d.value().containsMedia();
        }
        if (this instanceof OptionalOf o) {
            return o.inner().containsMedia();
        }
        return isMedia();
    }
}
