package dev.dspy4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.NoiseImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the driver broadcasts: the program and its demo media, rebuilt on the executor from local files. */
class ProgramBundleTest {
    @TempDir
    Path dir;

    @Test
    void aProgramWithImageDemosTravelsWithItsMediaAndIsFileBackedOnTheExecutor() throws Exception {
        Image cat = Image.of(NoiseImage.writePng(dir, "cat.png", 24, 24, 7));
        Image dog = Image.of(NoiseImage.writePng(dir, "dog.png", 24, 24, 8));
        Predict program = Predict.of(Signature.parse("image: Image -> label"))
                .withDemos(List.of(
                        Example.of("image", cat, "label", "cat").withInputs("image"),
                        Example.of("image", dog, "label", "dog").withInputs("image")));
        ProgramState.save(program, dir.resolve("prog.json"));

        ProgramBundle bundle = ProgramBundle.read(dir.resolve("prog.json"), null, false);
        // as a broadcast ships it: serialized, without the driver's program
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(bundle);
        }
        ProgramBundle shipped;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (ProgramBundle) in.readObject();
        }
        Path root = dir.resolve("executor");
        Predict built = (Predict) shipped.build(root);
        Predict again = (Predict) shipped.build(root); // a second task in the same JVM reuses the written files

        assertThat(shipped.digest()).isEqualTo(bundle.digest()).hasSize(64);
        assertThat(shipped.mediaCount()).isEqualTo(2);
        assertThat(shipped.program()).as("the driver's program is not shipped").isNull();
        List<Image> images =
                built.demos().stream().map(d -> (Image) d.get("image")).toList();
        assertThat(images)
                .extracting(i -> i.payload().digest())
                .containsExactly(cat.payload().digest(), dog.payload().digest());
        assertThat(images)
                .allSatisfy(i -> assertThat(i.payload().describe())
                        .as("file-backed, in the executor's copy")
                        .startsWith("file " + root.resolve(bundle.digest()).resolve("program.media")));
        assertThat(again.demos()).hasSize(2);
        try (var files = Files.list(root)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(bundle.digest());
        }
    }

    @Test
    void aDspyFileNeedsTheSignatureAndABadFileIsNamedOnTheDriver() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"nope\":");

        assertThatThrownBy(() -> ProgramBundle.read(bad, null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.toString());
    }

    @Test
    void cacheSpecsFromTheCommandLine() {
        assertThat(CacheFactory.parse("redis://cache:6379/2"))
                .isEqualTo(new CacheFactory.Redis("redis://cache:6379/2"));
        assertThat(CacheFactory.parse("/var/cache/dspy4j")).isEqualTo(new CacheFactory.Disk("/var/cache/dspy4j"));
        assertThat(CacheFactory.parse("file:/var/cache/dspy4j")).isEqualTo(new CacheFactory.Disk("/var/cache/dspy4j"));
        assertThat(new CacheFactory.Redis("redis://user:s3cret@cache:6379").toString())
                .isEqualTo("Redis[redis://user:***@cache:6379]");
        assertThatThrownBy(() -> CacheFactory.parse("memcached://cache:11211"))
                .hasMessage("--cache 'memcached://cache:11211': unknown scheme; expected redis://host:port[/db] (or "
                        + "rediss:// for TLS), a folder path, or file:/path");
    }
}
