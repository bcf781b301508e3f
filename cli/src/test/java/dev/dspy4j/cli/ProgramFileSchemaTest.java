package dev.dspy4j.cli;

import static dev.dspy4j.cli.RunFixesTest.dspy4j;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.History;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import dev.dspy4j.state.MediaStorage;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The program-file JSON Schema shipped in {@code docs/program-file.schema.json} accepts every kind of
 * file dspy4j writes (by {@code dspy4j new}, {@code dspy4j optimize} and {@code ProgramState.save},
 * media as files and inline, every media kind, histories, nested values, LM settings) and refuses
 * files the reader refuses. Checked with networknt's json-schema-validator (draft 2020-12).
 */
class ProgramFileSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonSchema schema;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadSchema() throws IOException {
        // surefire runs in the module directory; the schema lives at the repository root
        Path file = Path.of("..", "docs", "program-file.schema.json");
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static Set<ValidationMessage> validate(Path file) throws IOException {
        return schema.validate(JSON.readTree(file.toFile()));
    }

    /** A 16-bit mono WAV of 8 silent samples. */
    private static byte[] wav() {
        ByteBuffer b = ByteBuffer.allocate(44 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII))
                .putInt(36 + 16)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16)
                .putShort((short) 1)
                .putShort((short) 1)
                .putInt(8000)
                .putInt(16000)
                .putShort((short) 2)
                .putShort((short) 16);
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(16);
        return b.array();
    }

    @Test
    void everyFileTheCodeWritesIsValid() throws IOException {
        Path png = NoiseImage.writePng(dir.resolve("img"), "a.png", 8, 8, 7);
        Example rich = Example.of(Map.of(
                        "image", Image.of(png),
                        "clip", Audio.of(Payload.of(wav(), MediaType.of("audio/wav"))),
                        "sheet",
                                File.of(
                                        "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8),
                                        "t.csv",
                                        MediaType.of("text/csv")),
                        "notes", Document.ofText("Some notes."),
                        "remote", Image.fromUrl("https://example.com/cat.png"),
                        "history", new History(List.of(Map.of("question", "hi", "answer", "hello"))),
                        "tags", List.of("a", "b"),
                        "scores", Map.of("x", 1.5),
                        "answer", "cat"))
                .withInputs("image", "clip", "sheet", "notes", "remote", "history", "tags", "scores");
        var lm = OpenAiChat.builder()
                .model("gpt-4o-mini")
                .baseUrl("http://127.0.0.1:9/v1")
                .apiKey("sk-never-saved")
                .temperature(0.3)
                .cache(null)
                .build();
        String sig = "image: Image, clip: Audio, sheet: File, notes: Document, remote: Image, history: History, "
                + "tags: list[str], scores: dict[str, float] -> answer";
        var cot = ChainOfThought.of(sig).withLm(lm).mapPredictors(p -> p.withDemos(List.of(rich)));
        var predict = Predict.of(sig).withDemos(List.of(rich));

        List<Path> files = new java.util.ArrayList<>();
        for (MediaStorage storage : MediaStorage.values()) {
            Path a = dir.resolve("cot-" + storage + ".json");
            ProgramState.save(cot, a, storage);
            Path b = dir.resolve("predict-" + storage + ".json");
            ProgramState.save(predict, b, storage);
            files.add(a);
            files.add(b);
        }
        Files.writeString(
                dir.resolve("demos.jsonl"),
                "{\"image\": \"img/a.png\", \"question\": \"Which?\", \"answer\": \"cat\"}\n");
        Path made = dir.resolve("new.json");
        assertThat(dspy4j(
                                "new",
                                "--signature",
                                "image: Image, question -> answer",
                                "--module",
                                "cot",
                                "--adapter",
                                "xml",
                                "--demos",
                                dir.resolve("demos.jsonl").toString(),
                                "--lm",
                                "openai/m",
                                "--api-base",
                                "http://127.0.0.1:9/v1",
                                "--temperature",
                                "0",
                                "--out",
                                made.toString())
                        .exit())
                .isZero();
        Path inline = dir.resolve("new-inline.json");
        assertThat(dspy4j(
                                "new",
                                "--signature",
                                "image: Image, question -> answer",
                                "--demos",
                                dir.resolve("demos.jsonl").toString(),
                                "--inline-media",
                                "--out",
                                inline.toString())
                        .exit())
                .isZero();
        files.add(made);
        files.add(inline);

        for (Path f : files) {
            assertThat(validate(f))
                    .as(f.getFileName() + ":\n" + Files.readString(f))
                    .isEmpty();
            ProgramState.read(f); // and the reader takes it back
        }
        // the files do exercise each media form the schema describes
        String all = Files.readString(dir.resolve("cot-FILES.json")) + Files.readString(dir.resolve("cot-INLINE.json"));
        assertThat(all)
                .contains("\"$media\" : \"audio\"")
                .contains("\"$media\" : \"file\"")
                .contains("\"$media\" : \"document\"")
                .contains("\"url\" : \"https://example.com/cat.png\"")
                .contains("\"$history\"")
                .contains("\"sha256\"")
                .contains("\"data\" : \"data:image/png;base64,")
                .contains("\"base_url\"");
    }

    /** The hand-written example in the README's "The program file" section is valid, loads and runs from inspect. */
    @Test
    void theReadmeExampleIsValidAndLoads() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int at = readme.indexOf("### The program file");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "```json\\n(.*?)```", java.util.regex.Pattern.DOTALL)
                .matcher(readme);
        assertThat(m.find(at)).isTrue();
        Path file = dir.resolve("vqa.json");
        Path png = NoiseImage.writePng(dir.resolve("vqa.media"), "dog.png", 8, 8, 3);
        // the README shows a made-up digest; a user writes the one sha256sum prints
        String digest = Payload.of(png).digest().hex();
        Files.writeString(
                file, m.group(1).replaceAll("\"sha256\": \"[0-9a-f]{64}\"", "\"sha256\": \"" + digest + "\""));

        assertThat(validate(file)).isEmpty();
        var inspected = dspy4j("inspect", "--program", file.toString());
        assertThat(inspected.exit()).as(inspected.err()).isZero();
        assertThat(inspected.out()).contains("demos         1").contains("openai/gpt-4o-mini");
    }

    @Test
    void filesTheReaderRefusesAreInvalid() throws IOException {
        Path good = dir.resolve("good.json");
        assertThat(dspy4j("new", "--signature", "question -> answer", "--out", good.toString())
                        .exit())
                .isZero();
        ObjectNode root = (ObjectNode) JSON.readTree(good.toFile());

        ObjectNode wrongVersion = root.deepCopy().put("dspy4j_state", 2);
        ObjectNode unknownKey = root.deepCopy();
        ((ObjectNode) unknownKey.get("predictors").get("self")).put("temprature", 0.5);
        ObjectNode mediaWithoutSource = root.deepCopy();
        ((ObjectNode) mediaWithoutSource.get("predictors").get("self"))
                .putArray("demos")
                .addObject()
                .putObject("values")
                .putObject("question")
                .put("$media", "image");
        ObjectNode noPredictors = root.deepCopy();
        noPredictors.putObject("predictors");

        for (JsonNode bad : List.of(wrongVersion, unknownKey, mediaWithoutSource, noPredictors)) {
            assertThat(schema.validate(bad)).as(bad.toString()).isNotEmpty();
        }
    }
}
