package dev.dspy4j.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.media.Image;
import dev.dspy4j.media.Payload;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every state file dspy4j writes, it reads back; files past the limits get a clear error, never an OutOfMemoryError. */
class StateLimitsTest {

    @TempDir
    Path dir;

    /** A file that sniffs as PNG: the signature, then {@code size - 8} bytes of noise. */
    private Path bigPng(String name, int size) throws Exception {
        Path f = dir.resolve(name);
        byte[] chunk = new byte[1 << 20];
        Random r = new Random(size);
        try (OutputStream out = Files.newOutputStream(f)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
            for (int left = size - 8; left > 0; left -= chunk.length) {
                r.nextBytes(chunk);
                out.write(chunk, 0, Math.min(left, chunk.length));
            }
        }
        return f;
    }

    @Test
    void theLimitsFollowThePayloadLimit() {
        assertThat(StateLimits.MAX_INLINE_BYTES).isEqualTo(Payload.DEFAULT_MAX_BYTES);
        assertThat((long) StateLimits.MAX_STRING_CHARS).isGreaterThan(Payload.DEFAULT_MAX_BYTES * 4 / 3);
        assertThat(StateLimits.MAX_FILE_BYTES).isGreaterThan(StateLimits.MAX_STRING_CHARS);
    }

    @Test
    void anInlineSaveOfA16MbImageLoadsBack() throws Exception {
        Image img = Image.of(bigPng("big.png", 16 << 20));
        Predict p = Predict.of("image: Image -> label")
                .withDemos(List.of(Example.of(Map.of("image", img, "label", "noise"))));
        Path file = dir.resolve("inline.json");
        ProgramState.save(p, file, MediaStorage.INLINE);
        assertThat(Files.size(file)).isGreaterThan(20_000_000); // past Jackson's default 20M-character string limit

        Predict back = ProgramState.load(Predict.of("image: Image -> label"), file);
        Image loaded = (Image) back.demos().get(0).get("image");
        assertThat(loaded.payload().size()).isEqualTo(16 << 20);
        assertThat(loaded.payload().digest()).isEqualTo(img.payload().digest());
    }

    @Test
    void moreInlineMediaThanTheLimitIsNotWrittenAndTheErrorSaysWhatToDo() throws Exception {
        Image img = Image.of(bigPng("20mb.png", 20 << 20));
        Predict p = Predict.of("image: Image -> label")
                .withDemos(List.of(
                        Example.of(Map.of("image", img, "label", "a")),
                        Example.of(Map.of("image", img, "label", "b")),
                        Example.of(Map.of("image", img, "label", "c"))));
        Path file = dir.resolve("too-much.json");
        assertThatThrownBy(() -> ProgramState.save(p, file, MediaStorage.INLINE))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("$.predictors.self.demos[2].values.image")
                .hasMessageContaining("over the limit of " + StateLimits.MAX_INLINE_BYTES + " bytes")
                .hasMessageContaining("MediaStorage.FILES");
        assertThat(file).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactly("20mb.png"); // no temporary file left
        }

        ProgramState.save(p, file); // as files: no total limit
        assertThat(ProgramState.load(Predict.of("image: Image -> label"), file).demos())
                .hasSize(3);
    }

    /** A 200 MB state file in a JVM with a 256 MB heap: a clear error naming the file and the limit. */
    @Test
    void a200MbStateFileGetsAClearErrorUnderA256MbHeap() throws Exception {
        Path file = dir.resolve("huge.json");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write("{\"dspy4j_state\": 1, \"predictors\": {\"self\": {\"x\": \"".getBytes(StandardCharsets.UTF_8));
            f.setLength(200L << 20);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReadStateMain.class.getName(),
                        file.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out)
                .doesNotContain("OutOfMemoryError")
                .contains("error: " + file + ": has " + (200L << 20) + " bytes, over the limit of "
                        + StateLimits.MAX_FILE_BYTES + " bytes for a state file")
                .contains("MediaStorage.FILES");
        assertThat(child.exitValue()).isEqualTo(2);
    }

    /** The largest inline payload allowed loads back in a JVM with a 256 MB heap (its data URI never becomes a string). */
    @Test
    void theLargestInlinePayloadLoadsBackUnderA256MbHeap() throws Exception {
        Image img = Image.of(bigPng("max.png", (int) StateLimits.MAX_INLINE_BYTES));
        Path file = dir.resolve("max.json");
        ProgramState.save(
                Predict.of("image: Image -> label").withDemos(List.of(Example.of(Map.of("image", img, "label", "x")))),
                file,
                MediaStorage.INLINE);
        Files.delete(dir.resolve("max.png"));
        String out = child(file);
        assertThat(out).doesNotContain("OutOfMemoryError").contains("ok [self]");
    }

    @Test
    void aLargeInlineDataUriThatIsNotBase64NamesItsPlace() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(
                file,
                "{\"dspy4j_state\": 1, \"predictors\": {\"self\": {\"signature\": {\"string\": \"image: Image -> label\"},"
                        + "\"demos\": [{\"values\": {\"image\": {\"$media\": \"image\", \"data\": \"data:image/png;base64,iVBORw0K"
                        + "A".repeat(100_000) + "!!\"}}}]}}}");
        assertThatThrownBy(() -> ProgramState.read(file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("$.predictors.self.demos[0].values.image.data");
    }

    private static String child(Path stateFile) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReadStateMain.class.getName(),
                        stateFile.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
