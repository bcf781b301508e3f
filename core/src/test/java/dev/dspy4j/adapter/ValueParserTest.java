package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shared value parser, field by field. */
class ValueParserTest {

    private static Object parse(FieldType type, Type javaType, String text) throws Exception {
        return ValueParser.parseText(new Field("f", type, "", javaType), text);
    }

    private static void rejects(FieldType type, Type javaType, String text, String why) {
        assertThatThrownBy(() -> parse(type, javaType, text))
                .as(text)
                .isInstanceOf(ValueParser.ValueException.class)
                .hasMessageContaining(why);
    }

    @Test
    void integersConvertToTheDeclaredJavaTypeWithRangeChecks() throws Exception {
        assertThat(parse(FieldType.Scalar.INT, Integer.class, "2147483647")).isEqualTo(Integer.MAX_VALUE);
        rejects(FieldType.Scalar.INT, Integer.class, "2147483648", "out of range for java.lang.Integer");
        assertThat(parse(FieldType.Scalar.INT, Long.class, "\"-7\"")).isEqualTo(-7L);
        assertThat(parse(FieldType.Scalar.INT, Short.class, "12")).isEqualTo((short) 12);
        assertThat(parse(FieldType.Scalar.INT, java.math.BigInteger.class, "123456789012345678901234567890"))
                .isEqualTo(new java.math.BigInteger("123456789012345678901234567890"));
        rejects(FieldType.Scalar.INT, Long.class, "4.5", "not a whole number");
        rejects(FieldType.Scalar.INT, Long.class, "0x10", "not an integer");
        rejects(FieldType.Scalar.INT, Long.class, "NaN", "not an integer");
        rejects(FieldType.Scalar.INT, Long.class, "1e999999999", "out of range");
    }

    @Test
    void floats() throws Exception {
        assertThat(parse(FieldType.Scalar.FLOAT, Double.class, " -1.5e2 ")).isEqualTo(-150.0);
        assertThat(parse(FieldType.Scalar.FLOAT, Double.class, "3")).isEqualTo(3.0);
        assertThat(parse(FieldType.Scalar.FLOAT, Float.class, "0.25")).isEqualTo(0.25f);
        assertThat(parse(FieldType.Scalar.FLOAT, BigDecimal.class, "0.10")).isEqualTo(new BigDecimal("0.10"));
        rejects(FieldType.Scalar.FLOAT, Double.class, "Infinity", "not a number");
        rejects(FieldType.Scalar.FLOAT, Double.class, "1e400", "out of range");
        rejects(FieldType.Scalar.FLOAT, Double.class, "about 3", "not a number");
    }

    @Test
    void booleansAreOnlyTrueOrFalse() throws Exception {
        assertThat(parse(FieldType.Scalar.BOOL, Boolean.class, "TRUE")).isEqualTo(true);
        assertThat(parse(FieldType.Scalar.BOOL, Boolean.class, "`false`")).isEqualTo(false);
        for (String bad : new String[] {"yes", "no", "1", "0", "", "t"}) {
            rejects(FieldType.Scalar.BOOL, Boolean.class, bad, "is not true or false");
        }
    }

    @Test
    void optionalJavaTypeIsWrapped() throws Exception {
        FieldType opt = new FieldType.OptionalOf(FieldType.Scalar.INT);
        Type optionalOfLong = new com.fasterxml.jackson.core.type.TypeReference<Optional<Long>>() {}.getType();
        assertThat(parse(opt, optionalOfLong, "5")).isEqualTo(Optional.of(5L));
        assertThat(parse(opt, optionalOfLong, "None")).isEqualTo(Optional.empty());
        assertThat(parse(opt, Long.class, "")).isNull();
    }

    @Test
    void stringsAreTrimmedButOtherwiseKept() throws Exception {
        assertThat(parse(FieldType.Scalar.STR, String.class, "  ```code```  \n"))
                .isEqualTo("```code```");
    }

    @Test
    void literalChoicesInsideListsAndMapsAreChecked() throws Exception {
        FieldType tags = new FieldType.ListOf(new FieldType.Literal(java.util.List.of("red", "blue")));
        Type listOfString = tags.defaultJavaType();
        assertThat(parse(tags, listOfString, "[\"Red\", \"blue\"]")).isEqualTo(java.util.List.of("red", "blue"));
        rejects(tags, listOfString, "[\"red\", \"green\"]", "'green' is not one of [red, blue]");
        FieldType byName = new FieldType.DictOf(new FieldType.Literal(java.util.List.of("yes", "no")));
        assertThat(parse(byName, byName.defaultJavaType(), "{\"a\": \"YES\"}")).isEqualTo(java.util.Map.of("a", "yes"));
        rejects(byName, byName.defaultJavaType(), "{\"a\": \"maybe\"}", "'maybe' is not one of [yes, no]");
    }

    @Test
    void unfenceTakesTheFencedBody() {
        assertThat(ValueParser.unfence("```json\n[1]\n```")).isEqualTo("[1]");
        assertThat(ValueParser.unfence("```[1]```")).isEqualTo("[1]");
        assertThat(ValueParser.unfence("  [1] ")).isEqualTo("[1]");
    }
}
