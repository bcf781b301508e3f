package dev.dspy4j.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.FieldType;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A field's Java type may be a Jackson {@code JavaType} as well as a reflective type: parsed values
 * take the element, value and {@code Optional} types it names (read through Jackson's
 * {@code TypeFactory}, not by looking for {@code ParameterizedType}, which a {@code JavaType} is not).
 */
class JavaTypeTargetsTest {
    private static final TypeFactory TYPES = TypeFactory.defaultInstance();

    @Test
    void aCollectionTypeGivesItsKindAndElementType() throws Exception {
        Field ids = new Field(
                "ids",
                new FieldType.ListOf(FieldType.Scalar.INT),
                "",
                TYPES.constructCollectionType(Set.class, Integer.class));
        Object v = ValueParser.parseText(ids, "[3, 1, 3]");
        assertThat(v).isInstanceOf(LinkedHashSet.class).isEqualTo(Set.of(3, 1));
        assertThat(((Set<?>) v).iterator().next()).isInstanceOf(Integer.class);

        Field nested = new Field(
                "rows",
                new FieldType.ListOf(new FieldType.ListOf(FieldType.Scalar.INT)),
                "",
                TYPES.constructCollectionType(List.class, TYPES.constructCollectionType(Set.class, Short.class)));
        assertThat(ValueParser.parseText(nested, "[[1, 1], [2]]"))
                .isEqualTo(List.of(Set.of((short) 1), Set.of((short) 2)));
    }

    @Test
    void aMapTypeGivesItsValueType() throws Exception {
        Field scores = new Field(
                "scores",
                new FieldType.DictOf(FieldType.Scalar.FLOAT),
                "",
                TYPES.constructMapType(Map.class, String.class, Float.class));
        assertThat(ValueParser.parseText(scores, "{\"a\": 0.5}")).isEqualTo(Map.of("a", 0.5f));
    }

    @Test
    void anOptionalReferenceTypeIsWrappedAndUnwrapped() throws Exception {
        Field maybe = new Field(
                "maybe",
                new FieldType.OptionalOf(FieldType.Scalar.INT),
                "",
                TYPES.constructReferenceType(Optional.class, TYPES.constructType(Integer.class)));
        assertThat(ValueParser.parseText(maybe, "7")).isEqualTo(Optional.of(7));
        assertThat(ValueParser.parseText(maybe, "None")).isEqualTo(Optional.empty());
        assertThat(ValueParser.parseNode(maybe, ValueParser.MAPPER.readTree("null")))
                .isEqualTo(Optional.empty());
    }
}
