package dev.dspy4j.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.media.Digest;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state file's media must stay inside the state file's folder (symlinks resolved) and carry the
 * digest of its bytes, so a shared program file cannot make dspy4j read another of the user's files
 * and send it to an LM. Real files, symlinks and state files written by the test.
 */
class StateMediaConfinementTest {

    @TempDir
    Path root;

    Path prog;
    Path secret;
    String secretSha;

    @BeforeEach
    void files() throws Exception {
        prog = Files.createDirectories(root.resolve("shared"));
        Files.createDirectories(prog.resolve("prog.media"));
        secret = Files.createDirectories(root.resolve("home")).resolve("secret.txt");
        Files.writeString(secret, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n");
        secretSha = sha(Files.readAllBytes(secret));
    }

    private static String sha(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(Digest.sha256().digest(bytes));
    }

    /** A state file with one document demo whose media entry is {@code media} (JSON object text). */
    private Path stateWith(String media) throws Exception {
        Path file = prog.resolve("prog.json");
        Files.writeString(file, """
                {"dspy4j_state": 1, "program": "Predict", "predictors": {"self": {
                  "signature": {"string": "doc: Document, question -> answer"},
                  "demos": [{"values": {"doc": %s, "question": "what is in it?", "answer": "nothing"}}]}}}
                """.formatted(media));
        return file;
    }

    private static String document(String file, String type, String sha) {
        return "{\"$media\": \"document\", \"file\": \"" + file + "\", \"media_type\": \"" + type + "\""
                + (sha == null ? "" : ", \"sha256\": \"" + sha + "\"") + "}";
    }

    @Test
    void aPathClimbingOutOfTheFolderIsRefusedEvenWithTheRightDigest() throws Exception {
        Path file = stateWith(document("../home/secret.txt", "text/plain", secretSha));
        assertThatThrownBy(() -> ProgramState.read(file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(
                        "$.predictors.self.demos[0].values.doc.file: media file ../home/secret.txt resolves to "
                                + secret.toRealPath() + ", outside the state file's folder " + prog.toRealPath());
    }

    @Test
    void etcPasswdThroughDotDotIsRefused() throws Exception {
        String up = "../".repeat(prog.toRealPath().getNameCount()) + "etc/passwd";
        Path file = stateWith(document(up, "text/plain", "00".repeat(32)));
        assertThatThrownBy(() -> ProgramState.read(file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("outside the state file's folder");
    }

    @Test
    void anAbsolutePathIsRefused() throws Exception {
        Path file = stateWith(document(secret.toString(), "text/plain", secretSha));
        assertThatThrownBy(() -> ProgramState.read(file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("media file " + secret + " is an absolute path");
    }

    @Test
    void aSymlinkInsideTheMediaFolderPointingOutIsRefused() throws Exception {
        Files.createSymbolicLink(prog.resolve("prog.media/notes.txt"), secret);
        Path file = stateWith(document("prog.media/notes.txt", "text/plain", secretSha));
        assertThatThrownBy(() -> ProgramState.read(file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining(
                        "media file prog.media/notes.txt resolves to " + secret.toRealPath() + ", outside");

        // a symlinked folder is no way round it either
        Files.createSymbolicLink(prog.resolve("linked"), secret.getParent());
        Path viaDir = stateWith(document("linked/secret.txt", "text/plain", secretSha));
        assertThatThrownBy(() -> ProgramState.read(viaDir)).hasMessageContaining("outside the state file's folder");
    }

    @Test
    void aMediaFileWithoutADigestIsRefusedAndAWrongDigestNamesTheFile() throws Exception {
        Path svg = prog.resolve("prog.media/logo.svg");
        Files.writeString(svg, "<svg xmlns='http://www.w3.org/2000/svg'/>");
        // image/svg+xml and text/plain cannot be checked from the bytes: only the digest vouches for them
        Path noSha = stateWith(
                "{\"$media\": \"image\", \"file\": \"prog.media/logo.svg\", \"media_type\": \"image/svg+xml\"}");
        assertThatThrownBy(() -> ProgramState.read(noSha))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("media file prog.media/logo.svg has no sha256");

        Path inside = prog.resolve("prog.media/doc.txt");
        Files.writeString(inside, "a harmless text");
        Path wrong = stateWith(document("prog.media/doc.txt", "text/plain", secretSha));
        assertThatThrownBy(() -> ProgramState.read(wrong))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining(
                        "$.predictors.self.demos[0].values.doc.file: media file prog.media/doc.txt has sha256 ")
                .hasMessageContaining("but the state file says " + secretSha);

        Path right = stateWith(
                document("prog.media/doc.txt", "text/plain", sha("a harmless text".getBytes(StandardCharsets.UTF_8))));
        Document d = (Document)
                ProgramState.read(right).predictors().get("self").demos().get(0).get("doc");
        assertThat(d.payload().size()).isEqualTo(15);
    }

    @Test
    void aDeclaredTypeTheBytesContradictIsRefused() throws Exception {
        Path txt = prog.resolve("prog.media/fake.png");
        Files.writeString(txt, "root:x:0:0:root:/root:/bin/bash\n");
        Path file = stateWith(document("prog.media/fake.png", "application/pdf", sha(Files.readAllBytes(txt))));
        assertThatThrownBy(() -> ProgramState.read(file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("was declared application/pdf but its bytes are not application/pdf");
    }

    @Test
    void whatDspy4jSavesStillLoadsAndInlineSavesRecordTheirDigestToo() throws Exception {
        byte[] png = TestImages.png(8, 8, 1L);
        Predict p = Predict.of("image: Image, doc: Document -> answer")
                .withDemos(List.of(Example.of(
                        Map.of("image", Image.of(png), "doc", Document.ofText("some notes"), "answer", "a cat"))));
        Path files = prog.resolve("files.json");
        ProgramState.save(p, files);
        Predict back = ProgramState.load(Predict.of("image: Image, doc: Document -> answer"), files);
        assertThat(((Image) back.demos().get(0).get("image")).payload().digest().bytes())
                .isEqualTo(Digest.sha256().digest(png));

        Path inline = prog.resolve("inline.json");
        ProgramState.save(p, inline, MediaStorage.INLINE);
        String json = Files.readString(inline);
        assertThat(json).contains("\"sha256\" : \"" + sha(png) + "\"");
        Files.writeString(inline, json.replace(sha(png), "11".repeat(32)));
        assertThatThrownBy(() -> ProgramState.read(inline))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("values.image.data: the inline data has sha256 " + sha(png));
    }
}
