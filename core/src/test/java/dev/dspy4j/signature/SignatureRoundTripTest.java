package dev.dspy4j.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: for every signature, {@code Signature.parse(s.toSignatureString())} equals {@code s}.
 * Signatures are generated from a seeded random grammar over every type the string form can name,
 * with Literal choices that hold quotes, backslashes, arrows, commas and brackets.
 */
class SignatureRoundTripTest {
    private static final String[] CHOICE_TEXT = {
        "a",
        "she's here",
        "say \"hi\"",
        "both ' and \"",
        "back\\slash",
        "x -> y",
        "a, b",
        "[x]",
        "|",
        "",
        " spaced ",
        "None",
        "True",
        "1"
    };

    private final Random random = new Random(20261129);

    private FieldType type(int depth, boolean output) {
        int pick = random.nextInt(depth > 2 ? 6 : 16);
        switch (pick) {
            case 0:
                return FieldType.Scalar.STR;
            case 1:
                return FieldType.Scalar.INT;
            case 2:
                return FieldType.Scalar.FLOAT;
            case 3:
                return FieldType.Scalar.BOOL;
            case 4:
                return literal();
            case 5:
                return FieldType.AnyType.INSTANCE;
            case 6:
            case 7:
                return new FieldType.ListOf(type(depth + 1, output));
            case 8:
                return new FieldType.DictOf(type(depth + 1, output));
            case 9:
                return FieldType.union(List.of(type(depth + 1, output)), true);
            case 10: {
                List<FieldType> options = new ArrayList<>();
                for (int i = 0, n = 2 + random.nextInt(2); i < n; i++) options.add(type(depth + 1, output));
                return FieldType.union(options, random.nextBoolean());
            }
            case 11: {
                List<FieldType> elements = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) elements.add(type(depth + 1, output));
                return new FieldType.TupleOf(elements, false);
            }
            case 12:
                return new FieldType.TupleOf(List.of(type(depth + 1, output)), true);
            case 13:
                return output
                        ? FieldType.Scalar.STR
                        : new FieldType.Media(
                                List.of(FieldType.Media.Kind.values()).get(random.nextInt(4)));
            default:
                return literal();
        }
    }

    private FieldType literal() {
        List<Object> values = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            switch (random.nextInt(4)) {
                case 0 -> values.add((long) random.nextInt(2000) - 1000);
                case 1 -> values.add(random.nextBoolean());
                case 2 -> values.add(random.nextInt(1000) / 8.0);
                default -> values.add(CHOICE_TEXT[random.nextInt(CHOICE_TEXT.length)]);
            }
        }
        return new FieldType.Literal(values);
    }

    private List<Field> fields(String prefix, int n, boolean output) {
        List<Field> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(Field.of(prefix + i, type(0, output), ""));
        return out;
    }

    @Test
    void everyGeneratedSignatureParsesBackToItself() {
        for (int i = 0; i < 1000; i++) {
            Signature s = Signature.of(
                    "StringSignature",
                    null,
                    fields("in_", random.nextInt(4), false),
                    fields("out_", 1 + random.nextInt(3), true));
            String text = s.toSignatureString();
            Signature back = Signature.parse(text);
            assertThat(back).as(text).isEqualTo(s);
            assertThat(back.toSignatureString()).as(text).isEqualTo(text);
            assertThat(back.sameFields(s)).as(text).isTrue();
        }
    }

    @Test
    void theIssuesSignaturesRoundTrip() {
        for (String text : List.of(
                "question -> answer",
                "image: Image -> label",
                "q -> a: Literal[\"she's here\", 'okay']",
                "q -> a: str | None, b: None | int, c: Literal['a','b'] | None",
                "q -> a: Union[int, str], b: int | float, c: Any",
                "q -> a: tuple[int, int], b: Tuple[str, ...], " + "boxes: list[tuple[int, int, int, int]]",
                "q -> a: Literal[1, 0], b: list[Literal[1, 0]], c: Literal[True, False], d: Literal['a', 1]",
                "q -> a: list, b: dict")) {
            Signature s = Signature.parse(text);
            assertThat(Signature.parse(s.toSignatureString())).as(text).isEqualTo(s);
        }
    }
}
