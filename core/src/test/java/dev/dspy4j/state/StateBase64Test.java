package dev.dspy4j.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both state readers decode base64 with the one exact decoder: URL-safe text is read exactly, bad text refused. */
class StateBase64Test {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** An MP3 (ID3 tag) whose base64 holds both '+'/'/' or '-'/'_'. */
    private static byte[] mp3() {
        byte[] b = new byte[3 + 600];
        b[0] = 'I';
        b[1] = 'D';
        b[2] = '3';
        for (int i = 3; i < b.length; i++) b[i] = (byte) (i * 11);
        return b;
    }

    private Path dspyState(String audioBase64) throws Exception {
        String part = "[{\"type\": \"input_audio\", \"input_audio\": {\"data\": \"" + audioBase64
                + "\", \"format\": \"mp3\"}}]";
        ObjectNode demo = JSON.createObjectNode();
        demo.put("clip", DspyStateReader.START + part + DspyStateReader.END);
        demo.put("answer", "speech");
        ObjectNode root = JSON.createObjectNode();
        ObjectNode self = root.putObject("self");
        self.putArray("demos").add(demo);
        self.putObject("signature").put("instructions", "Describe.");
        Path file = dir.resolve("dspy.json");
        JSON.writeValue(file.toFile(), root);
        return file;
    }

    @Test
    void theDspyReaderDecodesUrlSafeBase64ExactlyAndRefusesOtherCharacters() throws Exception {
        byte[] mp3 = mp3();
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(mp3);
        assertThat(urlSafe).contains("-").contains("_");

        Example demo = ProgramState.read(dspyState(urlSafe))
                .predictors()
                .get("self")
                .demos()
                .get(0);
        Audio clip = (Audio) demo.get("clip");
        assertThat(clip.payload().mediaType()).isEqualTo(MediaType.MP3);
        assertThat(clip.payload().readAllBytes()).isEqualTo(mp3);

        Path bad = dspyState(urlSafe.substring(0, 10) + "." + urlSafe.substring(10));
        assertThatThrownBy(() -> ProgramState.read(bad))
                .hasMessageContaining("base64 string is not valid base64: character '.' at index 10 is not base64");
    }

    @Test
    void theDspy4jReaderDecodesUrlSafeDataUrisExactlyAndRefusesOtherCharacters() throws Exception {
        byte[] png = dev.dspy4j.testing.NoiseImage.png(8, 8, 3);
        Predict p = Predict.of("image: Image -> label")
                .withDemos(List.of(Example.of("image", Image.of(png), "label", "noise")));
        Path file = dir.resolve("state.json");
        ProgramState.save(p, file, MediaStorage.INLINE);
        String standard = Base64.getEncoder().encodeToString(png);
        String text = Files.readString(file);
        assertThat(text).contains(standard);
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(png);
        Files.writeString(file, text.replace(standard, urlSafe), StandardCharsets.UTF_8);

        Predict loaded = ProgramState.load(Predict.of("image: Image -> label"), file);
        Image image = (Image) loaded.demos().get(0).get("image");
        assertThat(image.payload().readAllBytes()).isEqualTo(png);

        Files.writeString(file, text.replace(standard, "iVBOR w0KGgo"), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ProgramState.load(Predict.of("image: Image -> label"), file))
                .hasMessageContaining("data URI is not valid base64: character ' ' at index 27 is not base64");
    }
    /**
     * A state file's inline media of 64 K characters or more is decoded straight from the parser
     * (StateTree), not through Payload.ofDataUri: the same exact decoder must serve it. Before, that
     * path used the JDK's standard decoder on whatever was not whitespace: URL-safe text was refused
     * with the JDK's message, spaces and tabs were skipped, and an '=' ending a 16 K chunk let the
     * next chunk decode on, giving other, shorter bytes.
     */
    @Test
    void largeInlineMediaIsDecodedByTheSameExactDecoder() throws Exception {
        byte[] png = dev.dspy4j.testing.NoiseImage.png(160, 160, 5);
        Predict p = Predict.of("image: Image -> label")
                .withDemos(List.of(Example.of("image", Image.of(png), "label", "noise")));
        Path file = dir.resolve("big.json");
        ProgramState.save(p, file, MediaStorage.INLINE);
        String standard = Base64.getEncoder().encodeToString(png);
        assertThat(standard.length()).isGreaterThan(StateTree.DECODE_FROM_CHARS);
        String text = Files.readString(file);
        assertThat(text).contains(standard);
        int prefix = "data:image/png;base64,".length();

        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(png);
        assertThat(urlSafe).contains("-").contains("_");
        Files.writeString(file, text.replace(standard, urlSafe), StandardCharsets.UTF_8);
        Image image = (Image) ProgramState.load(Predict.of("image: Image -> label"), file)
                .demos()
                .get(0)
                .get("image");
        assertThat(image.payload().readAllBytes()).isEqualTo(png);

        // line breaks are allowed, as by Payload.ofBase64
        Files.writeString(
                file,
                text.replace(
                        standard, Base64.getMimeEncoder().encodeToString(png).replace("\r\n", "\\n")),
                StandardCharsets.UTF_8);
        image = (Image) ProgramState.load(Predict.of("image: Image -> label"), file)
                .demos()
                .get(0)
                .get("image");
        assertThat(image.payload().readAllBytes()).isEqualTo(png);

        // a space (or a tab, written \t in JSON) is not base64
        int at = 40_000;
        Files.writeString(
                file,
                text.replace(standard, standard.substring(0, at) + " " + standard.substring(at)),
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ProgramState.load(Predict.of("image: Image -> label"), file))
                .hasMessageContaining(
                        "data URI is not valid base64: character ' ' at index " + (prefix + at) + " is not base64");

        // '=' padding where a 16 K chunk ends, with more text after it
        int chunk = 16 * 1024;
        String padded = standard.substring(0, chunk - 2) + "==" + standard.substring(chunk);
        Files.writeString(file, text.replace(standard, padded), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ProgramState.load(Predict.of("image: Image -> label"), file))
                .hasMessageContaining(
                        "data URI is not valid base64: character '" + standard.charAt(chunk) + "' at index "
                                + (prefix + chunk) + " is after the padding '=' at index " + (prefix + chunk - 2));

        // both alphabets in one value
        String mixed = urlSafe.substring(0, 1000) + "+" + urlSafe.substring(1001);
        assertThat(urlSafe.substring(0, 1000)).containsAnyOf("-", "_");
        Files.writeString(file, text.replace(standard, mixed), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ProgramState.load(Predict.of("image: Image -> label"), file))
                .hasMessageContaining("data URI is not valid base64: character '+' at index " + (prefix + 1000)
                        + " is from the standard alphabet");
        Files.writeString(
                file,
                text.replace(standard, standard.substring(0, at) + "\\t" + standard.substring(at)),
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ProgramState.load(Predict.of("image: Image -> label"), file))
                .hasMessageContaining(
                        "data URI is not valid base64: character U+0009 at index " + (prefix + at) + " is not base64");
    }
}
