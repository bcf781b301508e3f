package dev.dspy4j.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The types DSPy users write: modern Optional spellings, unions, Any, tuples, non-string Literals, bare list/dict. */
class SignatureTypesTest {
    private static FieldType type(String t) {
        return Signature.parse("x: " + t + " -> y").inputs().get(0).type();
    }

    private static final FieldType.Scalar STR = FieldType.Scalar.STR;
    private static final FieldType.Scalar INT = FieldType.Scalar.INT;
    private static final FieldType ANY = FieldType.AnyType.INSTANCE;

    @Test
    void theModernSpellingsOfOptional() {
        assertThat(type("str | None")).isEqualTo(new FieldType.OptionalOf(STR)).isEqualTo(type("Optional[str]"));
        assertThat(type("None | int")).isEqualTo(new FieldType.OptionalOf(INT));
        assertThat(type("Literal['a','b'] | None"))
                .isEqualTo(new FieldType.OptionalOf(new FieldType.Literal(List.of("a", "b"))));
        assertThat(type("Union[int, None]")).isEqualTo(type("Optional[int]")).isEqualTo(type("typing.Optional[int]"));
        assertThat(type("Optional[Optional[int]]")).isEqualTo(type("Optional[int]"));
        assertThat(type("list[int | None]")).isEqualTo(new FieldType.ListOf(new FieldType.OptionalOf(INT)));
        assertThat(type("Literal['a', None]")).isEqualTo(new FieldType.OptionalOf(new FieldType.Literal(List.of("a"))));
        assertThat(Signature.parse("q -> a: str | None").outputs().get(0).optional())
                .isTrue();
    }

    @Test
    void unionsAndAny() {
        FieldType intOrStr = new FieldType.UnionOf(List.of(INT, STR));
        assertThat(type("Union[int, str]"))
                .isEqualTo(intOrStr)
                .isEqualTo(type("int | str"))
                .isEqualTo(type("int | str | int"))
                .isEqualTo(type("Union[int, Union[str, int]]"));
        assertThat(type("int | str | None")).isEqualTo(new FieldType.OptionalOf(intOrStr));
        assertThat(intOrStr.typeName()).isEqualTo("Union[int, str]");
        assertThat(intOrStr.defaultJavaType()).isEqualTo(Object.class);
        assertThat(type("Any")).isEqualTo(ANY).isEqualTo(type("typing.Any"));
        assertThat(ANY.defaultJavaType()).isEqualTo(Object.class);
        assertThat(type("dict[str, Any]")).isEqualTo(new FieldType.DictOf(ANY));
    }

    @Test
    void tuples() {
        assertThat(type("tuple[int, int]")).isEqualTo(new FieldType.TupleOf(List.of(INT, INT), false));
        assertThat(type("Tuple[str, ...]")).isEqualTo(new FieldType.TupleOf(List.of(STR), true));
        FieldType boxes = type("list[tuple[int, int, int, int]]");
        assertThat(boxes).isEqualTo(new FieldType.ListOf(new FieldType.TupleOf(List.of(INT, INT, INT, INT), false)));
        assertThat(boxes.defaultJavaType().getTypeName()).isEqualTo("java.util.List<java.util.List<java.lang.Long>>");
        assertThat(type("tuple[str, int]").defaultJavaType().getTypeName())
                .isEqualTo("java.util.List<java.lang.Object>");
        assertThat(type("tuple[str, int]").typeName()).isEqualTo("tuple[str, int]");
        assertThat(type("Tuple[str, ...]").typeName()).isEqualTo("tuple[str, ...]");
        assertThatThrownBy(() -> type("tuple[int, int, ...]"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("'...' may only follow a tuple's single item type");
    }

    @Test
    void nonStringLiterals() {
        FieldType bits = type("Literal[1, 0]");
        assertThat(bits).isEqualTo(new FieldType.Literal(List.of(1L, 0L)));
        assertThat(bits.defaultJavaType()).isEqualTo(Long.class);
        assertThat(((FieldType.Literal) bits).choices()).containsExactly("1", "0");
        assertThat(type("list[Literal[1, 0]]")).isEqualTo(new FieldType.ListOf(bits));
        FieldType bools = type("Literal[True, False]");
        assertThat(bools).isEqualTo(new FieldType.Literal(List.of(true, false)));
        assertThat(bools.defaultJavaType()).isEqualTo(Boolean.class);
        assertThat(bools.typeName()).isEqualTo("Literal[True, False]");
        FieldType mixed = type("Literal['a', 1, 2.5, -3]");
        assertThat(mixed).isEqualTo(new FieldType.Literal(List.of("a", 1L, 2.5, -3L)));
        assertThat(mixed.defaultJavaType()).isEqualTo(Object.class);
        assertThat(mixed.typeName()).isEqualTo("Literal['a', 1, 2.5, -3]");
        assertThat(type("Literal[0.5, 1]").defaultJavaType()).isEqualTo(Double.class);
        assertThat(new FieldType.Literal(List.of(1, 0)))
                .as("Integer choices widen to Long")
                .isEqualTo(bits);
        assertThatThrownBy(() -> type("Literal[maybe]"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("expected a quoted string, a number, True, False or None as a Literal choice");
    }

    @Test
    void bareListAndDict() {
        assertThat(type("list"))
                .isEqualTo(new FieldType.ListOf(ANY))
                .isEqualTo(type("List"))
                .isEqualTo(type("list[Any]"));
        assertThat(type("dict")).isEqualTo(new FieldType.DictOf(ANY)).isEqualTo(type("Dict"));
        assertThat(type("tuple")).isEqualTo(new FieldType.TupleOf(List.of(ANY), true));
        assertThat(Signature.parse("a: list, b: dict -> c").toSignatureString())
                .isEqualTo("a: list[Any], b: dict[str, Any] -> c: str");
    }

    @Test
    void literalChoicesWithQuotesRoundTrip() {
        Signature s = Signature.parse(
                "q -> a: Literal[\"she's here\", 'okay', 'say \"hi\"', 'both \\' and \"', 'back\\\\slash']");
        FieldType.Literal l = (FieldType.Literal) s.outputs().get(0).type();
        assertThat(l.values()).isEqualTo(List.of("she's here", "okay", "say \"hi\"", "both ' and \"", "back\\slash"));
        assertThat(l.typeName())
                .isEqualTo("Literal[\"she's here\", 'okay', 'say \"hi\"', 'both \\' and \"', 'back\\\\slash']");
        assertThat(Signature.parse(s.toSignatureString())).isEqualTo(s);
    }

    @Test
    void javaTypesObjectAndJsonNodeAreAny() {
        record R(
                @Input Object anything,
                @Output JsonNode tree,
                @Output List<Object> items) {}
        Signature s = Signature.of(R.class);
        assertThat(s.inputs().get(0).type()).isEqualTo(ANY);
        assertThat(s.outputs().get(0).type()).isEqualTo(ANY);
        assertThat(s.outputs().get(0).javaType()).isEqualTo(JsonNode.class);
        assertThat(s.outputs().get(1).type()).isEqualTo(new FieldType.ListOf(ANY));
    }

    @Test
    void signaturesWithTheSameFieldsCompareEqualInStructureWhateverTheSpelling() {
        Signature a = Signature.parse("image: Image -> label");
        Signature b = Signature.parse("image: Image -> label: str", "Other instructions.");
        assertThat(a.sameFields(b)).isTrue();
        assertThat(Signature.parse("a: str | None, b: List -> c: Union[int, str]")
                        .sameFields(Signature.parse("a: Optional[str], b: list[Any] -> c: int | str")))
                .isTrue();
        assertThat(a.sameFields(Signature.parse("image: Image -> label: int"))).isFalse();
        assertThat(a.sameFields(Signature.parse("image: Image -> name"))).isFalse();
        assertThat(a.sameFields(Signature.parse("image: Image, hint -> label"))).isFalse();
        assertThat(Signature.parse("a, b -> c").sameFields(Signature.parse("b, a -> c")))
                .isFalse();
    }
}
