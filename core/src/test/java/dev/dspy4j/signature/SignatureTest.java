package dev.dspy4j.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.media.Image;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignatureTest {

    @Test
    void parsesUntypedAndTypedFields() {
        Signature s = Signature.parse("question, passages: list[str] -> answer, confidence: float");
        assertThat(s.inputs()).extracting(Field::name).containsExactly("question", "passages");
        assertThat(s.outputs()).extracting(Field::name).containsExactly("answer", "confidence");
        assertThat(s.inputs().get(0).type()).isEqualTo(FieldType.Scalar.STR);
        assertThat(s.inputs().get(1).type()).isEqualTo(new FieldType.ListOf(FieldType.Scalar.STR));
        assertThat(s.outputs().get(1).type()).isEqualTo(FieldType.Scalar.FLOAT);
        assertThat(s.toSignatureString())
                .isEqualTo("question: str, passages: list[str] -> answer: str, confidence: float");
    }

    @Test
    void parsesEveryTypeName() {
        Signature s = Signature.parse("a: int, b: bool, c: dict[str, list[int]], d: Optional[float], "
                + "img: Image, clip: Audio, f: File, doc: Document, h: History "
                + "-> label: Literal['cat', \"dog\"], n: Optional[int]");
        assertThat(s.inputs())
                .extracting(f -> f.type().typeName())
                .containsExactly(
                        "int",
                        "bool",
                        "dict[str, list[int]]",
                        "Optional[float]",
                        "Image",
                        "Audio",
                        "File",
                        "Document",
                        "History");
        assertThat(s.outputs().get(0).type()).isEqualTo(new FieldType.Literal(List.of("cat", "dog")));
        assertThat(s.outputs().get(1).optional()).isTrue();
        assertThat(s.inputs().get(4).type().isMedia()).isTrue();
        assertThat(s.inputs().get(2).type().defaultJavaType().getTypeName())
                .isEqualTo("java.util.Map<java.lang.String, java.util.List<java.lang.Long>>");
    }

    @Test
    void anArrowInsideALiteralChoiceIsNotTheSeparator() {
        Signature s = Signature.parse("step: Literal['a->b', \"b->c\"] -> next: Literal['x -> y', 'z']");
        assertThat(s.inputs().get(0).type()).isEqualTo(new FieldType.Literal(List.of("a->b", "b->c")));
        assertThat(s.outputs().get(0).type()).isEqualTo(new FieldType.Literal(List.of("x -> y", "z")));
        assertThatThrownBy(() -> Signature.parse("a: Literal['x->y'] -> b -> c"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("more than one '->'")
                .extracting(e -> ((SignatureException) e).position())
                .isEqualTo(24);
        assertThatThrownBy(() -> Signature.parse("a: Literal['x->y] -> b"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("unterminated quoted choice at position 11");
    }

    @Test
    void defaultInstructionsNameTheFields() {
        Signature s = Signature.parse("question -> answer");
        assertThat(s.instructions()).isEqualTo("Given the fields `question`, produce the fields `answer`.");
        assertThat(Signature.parse("question -> answer", "Answer briefly.").instructions())
                .isEqualTo("Answer briefly.");
    }

    @Test
    void errorsNameThePositionAndProblem() {
        assertThatThrownBy(() -> Signature.parse("question answer"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("no '->'");
        assertThatThrownBy(() -> Signature.parse("a, a -> b"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("duplicate input field 'a'")
                .extracting(e -> ((SignatureException) e).position())
                .isEqualTo(3);
        assertThatThrownBy(() -> Signature.parse("a -> a"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("'a' is both an input and an output");
        assertThatThrownBy(() -> Signature.parse("a -> "))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("no output field");
        SignatureException unknown = (SignatureException)
                org.assertj.core.api.Assertions.catchThrowable(() -> Signature.parse("a: integer -> b"));
        assertThat(unknown).hasMessageContaining("unknown type 'integer'").hasMessageContaining("position 3");
        assertThat(unknown.position()).isEqualTo(3);
        assertThat(unknown)
                .hasMessage(
                        "signature 'a: integer -> b': unknown type 'integer' (did you mean 'int'?) "
                                + "at position 3; accepted types: str, int, float, bool, Image, Audio, File, Document, History, Any, "
                                + "list[T], dict[str, T], tuple[T, ...], Optional[T], Union[A, B], Literal['a', 'b'], T | None");
        for (String[] miss : new String[][] {
            {"string", null},
            {"boolean", "bool"},
            {"float64", "float"},
            {"double", "float"},
            {"Int", "int"},
            {"image", "Image"},
            {"array", "list"},
            {"Map", "dict"},
            {"LIST", "list"},
            {"Integer", "int"}
        }) {
            if (miss[1] == null) {
                assertThat(Signature.parse("q -> a: " + miss[0])
                                .outputs()
                                .get(0)
                                .type())
                        .isEqualTo(dev.dspy4j.signature.FieldType.Scalar.STR);
                continue;
            }
            assertThatThrownBy(() -> Signature.parse("q -> a: " + miss[0]))
                    .hasMessageContaining("unknown type '" + miss[0] + "' (did you mean '" + miss[1] + "'?)")
                    .hasMessageContaining("accepted types: str, int");
        }
        assertThatThrownBy(() -> Signature.parse("q -> a: wombat"))
                .hasMessageContaining("unknown type 'wombat' at position 8; accepted types: str, int");
        assertThatThrownBy(() -> Signature.parse("a: list[int -> b"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("expected ']'");
        assertThatThrownBy(() -> Signature.parse("a: dict[int, str] -> b"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("dict keys must be str");
        assertThatThrownBy(() -> Signature.parse("a -> b -> c"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("more than one '->'");
        assertThatThrownBy(() -> Signature.parse("a b -> c"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("expected ',' or '->' after field 'a'");
    }

    @Test
    void mediaOutputsAreRejected() {
        assertThatThrownBy(() -> Signature.parse("prompt -> picture: Image"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("output field 'picture' has type Image");
        assertThatThrownBy(() -> Signature.parse("prompt -> pictures: list[Image]"))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("can only be an input");
    }

    enum Mood {
        HAPPY,
        SAD
    }

    record Point(int x, int y) {}

    @Instructions("Describe the photo.")
    record Describe(
            @Input(desc = "a photo") Image photo,
            @Input(desc = "tags so far") List<String> tags,
            @Output(desc = "one word") String animal,
            @Output int legs,
            @Output double score,
            @Output boolean cute,
            @Output Mood mood,
            @Output Map<String, Long> counts,
            @Output Optional<Point> where) {}

    @Test
    void recordFormMapsJavaTypes() {
        Signature s = Signature.of(Describe.class);
        assertThat(s.name()).isEqualTo("Describe");
        assertThat(s.instructions()).isEqualTo("Describe the photo.");
        assertThat(s.inputs()).extracting(Field::name).containsExactly("photo", "tags");
        assertThat(s.inputs().get(0).description()).isEqualTo("a photo");
        assertThat(s.outputs())
                .extracting(f -> f.type().typeName())
                .containsExactly("str", "int", "float", "bool", "Mood", "dict[str, int]", "Optional[Point]");
        assertThat(s.output("legs").orElseThrow().javaType()).isEqualTo(Integer.class);
        assertThat(s.output("where").orElseThrow().javaType()).isEqualTo(Point.class);
        assertThat(s.output("mood").orElseThrow().type()).isEqualTo(new FieldType.EnumOf(Mood.class));
        assertThat(((FieldType.EnumOf) s.output("mood").orElseThrow().type()).choices())
                .containsExactly("HAPPY", "SAD");
    }

    record Unannotated(@Input String a, String b) {}

    record BadType(@Input String a, @Output Thread t) {}

    @Test
    void recordFormErrorsNameTheComponent() {
        assertThatThrownBy(() -> Signature.of(Unannotated.class))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("Unannotated.b")
                .hasMessageContaining("exactly one of @Input or @Output");
        assertThatThrownBy(() -> Signature.of(BadType.class))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("BadType.t")
                .hasMessageContaining("unsupported Java type java.lang.Thread");
    }

    @Test
    void derivedSignatures() {
        Signature s = Signature.parse("question -> answer");
        Signature cot = s.prependOutput(Field.of("reasoning"));
        assertThat(cot.outputs()).extracting(Field::name).containsExactly("reasoning", "answer");
        assertThat(cot.instructions())
                .isEqualTo("Given the fields `question`, produce the fields `reasoning`, `answer`.");
        Signature ctx = s.withInstructions("Be terse.").appendInput(Field.of("context"));
        assertThat(ctx.inputs()).extracting(Field::name).containsExactly("question", "context");
        assertThat(ctx.instructions()).isEqualTo("Be terse.");
        assertThat(s.prependInput(Field.of("hint")).inputs())
                .extracting(Field::name)
                .containsExactly("hint", "question");
        assertThat(s.appendOutput(Field.of("why")).outputs())
                .extracting(Field::name)
                .containsExactly("answer", "why");
        assertThat(s.withInstructions("x")).isNotEqualTo(s);
        assertThat(Signature.parse("question -> answer")).isEqualTo(s);
        assertThatThrownBy(() -> s.appendOutput(Field.of("question")))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("both an input and an output");
    }
}
