package dev.dspy4j.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.media.Audio;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-written DSPy-style state file gives a demo image the plain ways a user (or DSPy itself)
 * writes one: DSPy's saved {@code {"url": "data:..."}} dict, a bare data URI, an http(s) URL, a path
 * beside the state file, or the custom-type string. Paths stay inside the state file's folder and a
 * declared type must agree with the bytes. Real files and symlinks written by the test.
 */
class DspyStateMediaFormsTest {
    @TempDir
    Path root;

    Path folder;
    byte[] png;
    String pngUri;

    @BeforeEach
    void files() throws Exception {
        folder = Files.createDirectories(root.resolve("shared"));
        png = TestImages.png(3, 3, 7);
        Files.write(folder.resolve("cat.png"), png);
        pngUri = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        Files.writeString(root.resolve("secret.png"), "not really a png\n");
        Files.write(root.resolve("outside.png"), png);
    }

    /** A DSPy state file for {@code image: Image, question -> answer} whose one demo's image is {@code image} (JSON). */
    private Path dspyState(String image) throws Exception {
        Path file = folder.resolve("prog.json");
        Files.writeString(file, """
                {"self": {"traces": [], "train": [],
                  "demos": [{"image": %s, "question": "what is it?", "answer": "cat"}],
                  "signature": {"instructions": "Name the animal.", "fields": [
                    {"prefix": "Image:", "description": "${image}"}, {"prefix": "Question:", "description": "${question}"},
                    {"prefix": "Answer:", "description": "${answer}"}]},
                  "lm": null},
                 "metadata": {"dependency_versions": {"dspy": "3.0.3"}}}
                """.formatted(image));
        return file;
    }

    private static String json(String s) {
        return "\"" + s + "\"";
    }

    private Image demoImage(Path file) {
        Predict p = ProgramState.load(Predict.of("image: Image, question -> answer"), file);
        return (Image) p.demos().get(0).get("image");
    }

    private void assertIsTheCat(Image img) {
        assertThat(img.isRemote()).isFalse();
        assertThat(img.payload().mediaType()).isEqualTo(MediaType.PNG);
        assertThat(img.payload().size()).isEqualTo(png.length);
    }

    @Test
    void dspysOwnSavedFormOfAnImageLoads() throws Exception {
        // what DSPy's Predict.dump_state writes for a dspy.Image demo: its pydantic dump
        assertIsTheCat(demoImage(dspyState("{\"url\": " + json(pngUri) + "}")));
    }

    @Test
    void aBareDataUriLoads() throws Exception {
        assertIsTheCat(demoImage(dspyState(json(pngUri))));
    }

    @Test
    void aRelativePathBesideTheStateFileLoads() throws Exception {
        assertIsTheCat(demoImage(dspyState(json("cat.png"))));
        assertIsTheCat(demoImage(dspyState("{\"url\": " + json("cat.png") + "}")));
    }

    @Test
    void anHttpUrlStaysARemoteImage() throws Exception {
        Image img = demoImage(dspyState(json("https://example.com/cat.png")));
        assertThat(img.isRemote()).isTrue();
        assertThat(img.url().toString()).isEqualTo("https://example.com/cat.png");
    }

    @Test
    void aRelativePathInTheCustomTypeFormIsAFileNotAUrl() throws Exception {
        String custom = DspyStateReader.START
                + "[{\\\"type\\\": \\\"image_url\\\", \\\"image_url\\\": {\\\"url\\\": \\\"cat.png\\\"}}]"
                + DspyStateReader.END;
        assertIsTheCat(demoImage(dspyState(json(custom))));
        String escaping = custom.replace("cat.png", "../outside.png");
        assertThatThrownBy(() -> ProgramState.read(dspyState(json(escaping))))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("outside the state file's folder");
    }

    @Test
    void pathsMustStayInsideTheStateFilesFolder() throws Exception {
        for (String escape :
                List.of("../outside.png", root.resolve("outside.png").toString())) {
            assertThatThrownBy(() -> demoImage(dspyState(json(escape))))
                    .isInstanceOf(ProgramStateException.class)
                    .hasMessageContaining("$.self.demos[0].image")
                    .hasMessageMatching("(?s).*(outside the state file's folder|is an absolute path).*");
        }
        Files.createSymbolicLink(folder.resolve("link.png"), root.resolve("outside.png"));
        assertThatThrownBy(() -> demoImage(dspyState(json("link.png"))))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("outside the state file's folder");
    }

    @Test
    void declaredTypesMustAgreeWithTheBytes() throws Exception {
        String lying = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(png);
        assertThatThrownBy(() -> demoImage(dspyState(json(lying))))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("declared image/jpeg but its bytes are image/png");
        // a file whose bytes are of no recognised format is refused, whatever its name says
        Files.writeString(folder.resolve("notes.png"), "AWS_SECRET_ACCESS_KEY=x\n");
        assertThatThrownBy(() -> demoImage(dspyState(json("notes.png"))))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("unknown format");
        // bytes of another kind than the field's
        Files.write(folder.resolve("doc.pdf"), "%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> demoImage(dspyState(json("doc.pdf"))))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("the field is Image, but the bytes are application/pdf");
    }

    @Test
    void otherSchemesAndShapesAreNamedWithTheAcceptedForms() throws Exception {
        assertThatThrownBy(() -> demoImage(dspyState(json("ftp://example.com/cat.png"))))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("unsupported URL scheme 'ftp'")
                .hasMessageContaining("a path relative to the state file's folder");
        assertThatThrownBy(() -> demoImage(dspyState("{\"path\": \"cat.png\"}")))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("unknown key 'path'; expected [url]");
        assertThatThrownBy(() -> demoImage(dspyState("42")))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("accepted: a data: URI");
    }

    @Test
    void dspysSavedFormsOfAudioFileAndImageListsLoad() throws Exception {
        byte[] wav = new byte[64];
        System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, wav, 0, 4);
        System.arraycopy("WAVE".getBytes(StandardCharsets.US_ASCII), 0, wav, 8, 4);
        byte[] pdf = "%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        Base64.Encoder b64 = Base64.getEncoder();
        Path file = folder.resolve("multi.json");
        Files.writeString(file, """
                {"self": {"demos": [{"clip": {"data": "%s", "audio_format": "wav"},
                                      "doc": {"file_data": "data:application/pdf;base64,%s", "filename": "a.pdf"},
                                      "pics": ["cat.png", {"url": "%s"}], "answer": "x"}],
                          "signature": {"instructions": "Describe."}}}
                """.formatted(b64.encodeToString(wav), b64.encodeToString(pdf), pngUri));

        Predict p = ProgramState.load(Predict.of("clip: Audio, doc: File, pics: list[Image] -> answer"), file);

        Example demo = p.demos().get(0);
        assertThat(((Audio) demo.get("clip")).payload().mediaType()).isEqualTo(MediaType.WAV);
        assertThat(((File) demo.get("doc")).filename()).isEqualTo("a.pdf");
        assertThat((List<?>) demo.get("pics")).hasSize(2).allSatisfy(i -> assertIsTheCat((Image) i));
    }
}
