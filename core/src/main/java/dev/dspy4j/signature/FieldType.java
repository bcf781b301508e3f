package dev.dspy4j.signature;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The type of a signature field, independent of the Java type that carries it.
 *
 * <p>The string form names types the way DSPy does ({@code str}, {@code int}, {@code list[str]},
 * {@code Literal['a','b']}, {@code Image}, ...); {@link #typeName()} returns that name, in one
 * canonical spelling that {@link Signature#parse} reads back to an equal type.
 */
// Longer than 400 lines on purpose: this is one closed type, the type grammar of DSPy's signature
// strings, whose variants are nested so that callers name and switch over them as FieldType.ListOf,
// FieldType.Media, ...; each variant is short, and most of the length is their documentation.
public sealed interface FieldType {

    /** {@return the name of this type in signature strings, e.g. {@code list[int]}} */
    String typeName();

    /** {@return the Java type a value of this type is converted to when no record component says otherwise} */
    Type defaultJavaType();

    /** {@return true for types whose values are media ({@code Image}, {@code Audio}, {@code Video}, {@code File}, {@code Document})} */
    default boolean isMedia() {
        return this instanceof Media;
    }

    /** Scalar types. */
    enum Scalar implements FieldType {
        /** {@code str}: text, as {@code String}. */
        STR("str", String.class),
        /** {@code int}: an integer, as {@code Long}. */
        INT("int", Long.class),
        /** {@code float}: a number, as {@code Double}. */
        FLOAT("float", Double.class),
        /** {@code bool}: {@code True} or {@code False}, as {@code Boolean}. */
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

    /**
     * {@code list[T]}, as a Java {@code List}.
     *
     * @param element the items' type
     */
    record ListOf(FieldType element) implements FieldType {
        /**
         * Checks the item type.
         *
         * @param element the items' type; not null
         */
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

    /**
     * {@code dict[str, T]}: keys are always strings; a Java {@code Map<String, T>}.
     *
     * @param value the values' type
     */
    record DictOf(FieldType value) implements FieldType {
        /**
         * Checks the value type.
         *
         * @param value the values' type; not null
         */
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

    /**
     * {@code Optional[T]}: the value may be absent (null).
     *
     * @param inner the type of a present value
     */
    record OptionalOf(FieldType inner) implements FieldType {
        /**
         * Checks the inner type.
         *
         * @param inner the type of a present value; not null
         */
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

    /**
     * {@code Literal['a', 'b']}, {@code Literal[1, 0]}, {@code Literal[True, False]}, {@code Literal['a', 1]}:
     * one of a fixed set of values, each a {@code String}, {@code Long}, {@code Double} or {@code Boolean}
     * ({@code Integer}, {@code Short} and {@code Float} values are widened). The Java type is the
     * values' common type ({@code String}, {@code Long}, {@code Double} for numbers, {@code Boolean}),
     * or {@code Object} for a mix.
     *
     * @param values the choices, in order
     */
    record Literal(List<?> values) implements FieldType {
        /**
         * Widens and copies the choices.
         *
         * @param values the choices: strings, integers, numbers or booleans; at least one
         * @throws IllegalArgumentException if there is no choice or one of another kind (null included)
         */
        public Literal {
            List<Object> copy = new java.util.ArrayList<>(values.size());
            for (Object v : values) {
                if (v instanceof Integer || v instanceof Short || v instanceof Byte) v = ((Number) v).longValue();
                if (v instanceof Float f) v = f.doubleValue();
                if (!(v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean)) {
                    throw new IllegalArgumentException(
                            "a Literal choice must be a string, integer, number or boolean, not "
                                    + (v == null ? "null" : v.getClass().getName()));
                }
                copy.add(v);
            }
            values = List.copyOf(copy);
            if (values.isEmpty()) {
                throw new IllegalArgumentException("a Literal type needs at least one choice");
            }
        }

        /** {@return the choices as text, as the LM writes them: {@code positive}, {@code 1}, {@code True}} */
        public List<String> choices() {
            return values.stream().map(Literal::text).toList();
        }

        private static String text(Object v) {
            if (v instanceof Boolean b) return b ? "True" : "False";
            return String.valueOf(v);
        }

        @Override
        public String typeName() {
            return values.stream().map(Literal::literal).collect(Collectors.joining(", ", "Literal[", "]"));
        }

        /** A choice as Python writes it: a string quoted so that the signature parser reads it back. */
        private static String literal(Object v) {
            if (!(v instanceof String s)) return text(v);
            if (s.indexOf('\'') >= 0 && s.indexOf('"') < 0 && s.indexOf('\\') < 0) return '"' + s + '"';
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }

        @Override
        public Type defaultJavaType() {
            if (values.stream().allMatch(v -> v instanceof String)) return String.class;
            if (values.stream().allMatch(v -> v instanceof Long)) return Long.class;
            if (values.stream().allMatch(v -> v instanceof Boolean)) return Boolean.class;
            if (values.stream().allMatch(v -> v instanceof Number)) return Double.class;
            return Object.class;
        }
    }

    /**
     * {@code Union[A, B]} or {@code A | B}: a value of any of the options, tried in order (a string
     * option last). A union with {@code None} is an {@link OptionalOf}; see {@link #union}.
     *
     * @param options the options, in the order they are tried
     */
    record UnionOf(List<FieldType> options) implements FieldType {
        /**
         * Copies the options.
         *
         * @param options at least two, none of them a union or optional
         * @throws IllegalArgumentException if there are fewer than two options or one is a union or
         *     optional (build those with {@link FieldType#union})
         */
        public UnionOf {
            options = List.copyOf(options);
            if (options.size() < 2) throw new IllegalArgumentException("a Union needs at least two options");
            for (FieldType o : options) {
                if (o instanceof UnionOf || o instanceof OptionalOf) {
                    throw new IllegalArgumentException(
                            "a Union option cannot be " + o.typeName() + "; use FieldType.union");
                }
            }
        }

        @Override
        public String typeName() {
            return options.stream().map(FieldType::typeName).collect(Collectors.joining(", ", "Union[", "]"));
        }

        @Override
        public Type defaultJavaType() {
            return Object.class;
        }
    }

    /**
     * The type of {@code A | B | ...}: nested unions flattened, repeats dropped, a single option as
     * itself, and {@code None} among the options ({@code withNone}) making it {@link OptionalOf}.
     *
     * @param options the options besides {@code None}, in order; optional ones count as having None
     * @param withNone whether {@code None} is among the options
     * @return the union, a single type, or an optional of either
     * @throws IllegalArgumentException if there is no option besides {@code None}
     */
    static FieldType union(List<FieldType> options, boolean withNone) {
        List<FieldType> flat = new java.util.ArrayList<>();
        for (FieldType o : options) {
            if (o instanceof OptionalOf opt) {
                withNone = true;
                o = opt.inner();
            }
            for (FieldType each : o instanceof UnionOf u ? u.options() : List.of(o)) {
                if (!flat.contains(each)) flat.add(each);
            }
        }
        if (flat.isEmpty()) throw new IllegalArgumentException("a Union needs an option besides None");
        FieldType t = flat.size() == 1 ? flat.get(0) : new UnionOf(flat);
        return withNone ? new OptionalOf(t) : t;
    }

    /** {@code Any}: any JSON value, as plain Java values (maps, lists, strings, {@code Long}, {@code Double}, booleans, null). */
    enum AnyType implements FieldType {
        /** The one instance. */
        INSTANCE;

        @Override
        public String typeName() {
            return "Any";
        }

        @Override
        public Type defaultJavaType() {
            return Object.class;
        }
    }

    /**
     * {@code tuple[int, int]} (a fixed number of items, each of its own type) or, with {@code variadic},
     * {@code tuple[str, ...]} (any number of items of one type). Read from a JSON array or a Python
     * tuple; the Java type is a {@code List}.
     *
     * @param elements the item types, in order; exactly one when variadic
     * @param variadic true for {@code tuple[T, ...]}
     */
    record TupleOf(List<FieldType> elements, boolean variadic) implements FieldType {
        /**
         * Copies the item types.
         *
         * @param elements the item types, in order; at least one, exactly one when variadic
         * @param variadic true for {@code tuple[T, ...]}
         * @throws IllegalArgumentException if the item types do not fit the form
         */
        public TupleOf {
            elements = List.copyOf(elements);
            if (elements.isEmpty()) throw new IllegalArgumentException("a tuple needs at least one item type");
            if (variadic && elements.size() != 1) {
                throw new IllegalArgumentException("a variadic tuple (tuple[T, ...]) has exactly one item type");
            }
        }

        @Override
        public String typeName() {
            return elements.stream()
                    .map(FieldType::typeName)
                    .collect(Collectors.joining(", ", "tuple[", variadic ? ", ...]" : "]"));
        }

        @Override
        public Type defaultJavaType() {
            boolean same = elements.stream().distinct().count() == 1;
            return Types.parameterized(List.class, same ? elements.get(0).defaultJavaType() : Object.class);
        }
    }

    /**
     * A Java enum; its constant names are the choices, as in a {@code Literal}.
     *
     * @param type the enum class; its simple name is the type name
     */
    record EnumOf(Class<? extends Enum<?>> type) implements FieldType {
        /**
         * Checks the class.
         *
         * @param type the enum class; not null
         */
        public EnumOf {
            Objects.requireNonNull(type, "type");
        }

        /** {@return the constant names, in declaration order} */
        public List<String> choices() {
            return java.util.Arrays.stream(type.getEnumConstants())
                    .map(Enum::name)
                    .toList();
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

    /**
     * A Java record, rendered and parsed as a JSON object.
     *
     * @param type the record class; its simple name is the type name
     */
    record RecordOf(Class<? extends Record> type) implements FieldType {
        /**
         * Checks the class.
         *
         * @param type the record class; not null
         */
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

    /**
     * A media input: {@code Image}, {@code Audio}, {@code Video}, {@code File} or {@code Document}.
     *
     * @param kind which media class carries the value
     */
    record Media(Kind kind) implements FieldType {
        /** The media kinds, one per class of {@code dev.dspy4j.media}. */
        public enum Kind {
            /** {@link dev.dspy4j.media.Image}. */
            IMAGE,
            /** {@link dev.dspy4j.media.Audio}. */
            AUDIO,
            /** {@link dev.dspy4j.media.File}. */
            FILE,
            /** {@link dev.dspy4j.media.Document}. */
            DOCUMENT,
            /** {@link dev.dspy4j.media.Video}. */
            VIDEO
        }

        /**
         * Checks the kind.
         *
         * @param kind the media kind; not null
         */
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
        /** The one instance. */
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

    /** {@return true if this type, or a type nested in it (a record's components included), is a media type} */
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
        if (this instanceof UnionOf u) {
            return u.options().stream().anyMatch(FieldType::containsMedia);
        }
        if (this instanceof TupleOf t) {
            return t.elements().stream().anyMatch(FieldType::containsMedia);
        }
        return isMedia();
    }
}
