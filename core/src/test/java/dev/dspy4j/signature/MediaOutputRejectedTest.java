package dev.dspy4j.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.media.Image;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Media types are inputs only: a signature with a media output is refused when it is built. */
class MediaOutputRejectedTest {

    @ParameterizedTest
    @ValueSource(strings = {"Image", "Audio", "File", "Document", "History", "list[Image]", "dict[str, Audio]"})
    void stringFormRefusesMediaOutputs(String type) {
        assertThatThrownBy(() -> Signature.parse("question -> answer: " + type))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("output field 'answer' has type")
                .hasMessageContaining("which can only be an input");
    }

    record Draw(
            @Input(desc = "what to draw") String prompt,
            @Output(desc = "the drawing") Image picture) {}

    record Pick(
            @Input(desc = "photos") List<Image> photos,
            @Output(desc = "the best") Image best) {}

    @Test
    void recordFormRefusesMediaOutputs() {
        assertThatThrownBy(() -> Signature.of(Draw.class))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("output field 'picture' has type Image, which can only be an input");
        assertThatThrownBy(() -> Signature.of(Pick.class))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("output field 'best' has type Image");
    }

    record Drawing(String title, java.util.Optional<List<Image>> frames) {}

    record Sketch(@Input String prompt, @Output Drawing drawing) {}

    record Framed(@Input Drawing drawing, @Output String verdict) {}

    @Test
    void aRecordOutputHoldingMediaIsRefusedToo() {
        // an LM cannot write an image inside JSON any more than as a bare output
        assertThatThrownBy(() -> Signature.of(Sketch.class))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("output field 'drawing' has type Drawing, which can only be an input");
        assertThatThrownBy(() -> Signature.of(
                        "S",
                        null,
                        List.of(Field.of("q")),
                        List.of(Field.of("d", new FieldType.ListOf(new FieldType.RecordOf(Drawing.class)), ""))))
                .isInstanceOf(SignatureException.class)
                .hasMessageContaining("output field 'd'");
        // as an input it is fine
        assertThat(Signature.of(Framed.class).inputs().get(0).type().containsMedia())
                .isTrue();
    }

    @Test
    void mediaInputsAreAccepted() {
        Signature s = Signature.parse("image: Image, clip: Audio -> label: str");
        assertThat(s.inputs()).extracting(f -> f.type().typeName()).containsExactly("Image", "Audio");
    }
}
