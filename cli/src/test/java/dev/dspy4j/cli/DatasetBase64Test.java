package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.testing.NoiseImage;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset's data: fields go through the one exact base64 decoder. */
class DatasetBase64Test {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aUrlSafeDataUriIsDecodedExactlyAndABadCharacterIsNamed() throws Exception {
        byte[] png = NoiseImage.png(16, 16, 5);
        String urlSafe = Base64.getUrlEncoder().encodeToString(png);
        Dataset dataset = new Dataset(dir.resolve("rows.jsonl"));

        Map<String, Object> in = dataset.inputs(
                JSON.readTree("{\"image\": \"data:image/png;base64," + urlSafe + "\"}"),
                Signature.parse("image: Image -> label").inputs());

        Image image = (Image) in.get("image");
        assertThat(image.payload().mediaType()).isEqualTo(MediaType.PNG);
        assertThat(image.payload().readAllBytes()).isEqualTo(png);
        assertThatThrownBy(() -> dataset.inputs(
                        JSON.readTree("{\"image\": \"data:image/png;base64,iVBO~Rw0K\"}"),
                        Signature.parse("image: Image -> label").inputs()))
                .hasMessageContaining("character '~' at index 26 is not base64");
    }
}
