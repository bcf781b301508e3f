package dev.dspy4j.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.lm.ScriptedLm;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.Payload;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Module;
import dev.dspy4j.module.Predict;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Field;
import dev.dspy4j.signature.Signature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgramStateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Signature SIG = Signature.parse(
            "image: Image, question -> answer, confidence: float", "Answer the question about the image.");

    @TempDir
    Path dir;

    private final Adapter adapter = new TestAdapter();

    /** A program with an instruction, descriptions, params, an LM with a secret, and text and image demos. */
    private Predict program(Path imageFile, byte[] memoryImage) {
        Signature sig = Signature.of(
                "Vqa",
                SIG.instructions(),
                List.of(
                        SIG.inputs().get(0).withDescription("a photo"),
                        SIG.inputs().get(1)),
                List.of(
                        SIG.outputs().get(0).withDescription("one word"),
                        SIG.outputs().get(1)));
        Image fileImage = Image.of(imageFile);
        List<Example> demos = List.of(
                Example.of("image", fileImage, "question", "colour?", "answer", "red", "confidence", 0.9)
                        .withInputs("image", "question"),
                Example.of("image", Image.of(memoryImage), "question", "shape?", "answer", "square", "confidence", 0.5),
                Example.of("question", "no image here", "answer", "fine", "augmented", true),
                Example.of("image", fileImage, "question", "same image again?", "answer", "yes", "confidence", 1.0));
        ScriptedLm lm = ScriptedLm.builder()
                .temperature(0.25)
                .param("api_key", "sk-secret-123")
                .build();
        return Predict.of(Signature.parse(SIG.toSignatureString()))
                .withSignature(sig)
                .withAdapter(adapter)
                .withDemos(demos)
                .withParam("max_tokens", 77)
                .withLm(lm);
    }

    /** The same structure, freshly built in code, as a user would before loading. */
    private Predict fresh() {
        return Predict.of(Signature.parse(SIG.toSignatureString())).withAdapter(adapter);
    }

    private Map<String, Object> inputs() throws IOException {
        return Map.of("image", Image.of(TestImages.pngFile(dir, "query.png", 99)), "question", "what is it?");
    }

    @Test
    void savedAndLoadedWithMediaFilesFormatsIdenticalPrompts() throws IOException {
        Path img = TestImages.pngFile(dir, "demo.png", 1);
        byte[] mem = TestImages.png(4, 4, 2);
        Predict original = program(img, mem);
        Path file = dir.resolve("out/vqa.json");

        ProgramState.save(original, file);

        String text = Files.readString(file);
        assertThat(text)
                .doesNotContain("sk-secret-123")
                .doesNotContain("api_key")
                .doesNotContain("base64");
        Path media = dir.resolve("out/vqa.media");
        try (Stream<Path> files = Files.list(media)) {
            // the same image in two demos is written once; names are digests
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactlyInAnyOrder(
                            Payload.of(img).digest().hex() + ".png",
                            Payload.of(mem).digest().hex() + ".png");
        }
        JsonNode lm = JSON.readTree(text).at("/predictors/self/lm");
        assertThat(lm.get("provider").asText()).isEqualTo("scripted");
        assertThat(lm.get("params").toString()).isEqualTo("{\"temperature\":0.25}");

        Predict loaded = ProgramState.load(fresh(), file);

        Map<String, Object> in = inputs();
        Prompt before = original.format(in);
        Prompt after = loaded.format(in);
        assertThat(after).isEqualTo(before);
        assertSameParts(before, after);
        assertThat(loaded.signature()).isEqualTo(original.signature());
        assertThat(loaded.params()).isEqualTo(Map.of("max_tokens", 77));
        assertThat(loaded.demos().get(0).inputKeys()).containsExactly("image", "question");
        assertThat(loaded.demos().get(2).get("augmented")).isEqualTo(true);
        // demo images now refer to the saved files, not to copies on the heap
        Image reloaded = (Image) loaded.demos().get(1).get("image");
        assertThat(reloaded.payload().describe()).contains("vqa.media");
        assertThat(loaded.lm()).isNull();
    }

    @Test
    void savedAndLoadedWithInlineDataUrisFormatsIdenticalPrompts() throws IOException {
        Path img = TestImages.pngFile(dir, "demo.png", 3);
        Predict original = program(img, TestImages.png(5, 3, 4));
        Path file = dir.resolve("inline.json");

        ProgramState.save(original, file, MediaStorage.INLINE);

        String text = Files.readString(file);
        assertThat(text)
                .contains("\"data\" : \"data:image/png;base64,iVBORw0KGgo")
                .doesNotContain("sk-secret-123");
        assertThat(dir.resolve("inline.media")).doesNotExist();
        String b64 = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(img));
        assertThat(text).contains("data:image/png;base64," + b64 + "\"");

        Predict loaded = ProgramState.load(fresh(), file);
        Map<String, Object> in = inputs();
        assertThat(loaded.format(in)).isEqualTo(original.format(in));
        assertSameParts(original.format(in), loaded.format(in));
    }

    @Test
    void realChatAdapterPromptsAreIdenticalAfterReload() throws IOException {
        Path img = TestImages.pngFile(dir, "demo.png", 5);
        Predict original = program(img, TestImages.png(3, 3, 6)).withAdapter(dev.dspy4j.adapter.ChatAdapter.create());
        Path file = dir.resolve("chat.json");
        ProgramState.save(original, file);

        Module built = ProgramState.read(file).build();

        assertThat(built).isInstanceOf(Predict.class);
        Predict p = (Predict) built;
        assertThat(p.adapter()).isInstanceOf(dev.dspy4j.adapter.ChatAdapter.class);
        Map<String, Object> in = inputs();
        assertThat(p.format(in)).isEqualTo(original.format(in));
        assertSameParts(original.format(in), p.format(in));
    }

    @Test
    void chatAdapterJsonFallbackSettingSurvivesSaveAndBuild() throws IOException {
        Predict off = Predict.of("question -> answer")
                .withAdapter(dev.dspy4j.adapter.ChatAdapter.builder()
                        .jsonFallback(false)
                        .build());
        Path offFile = dir.resolve("off.json");
        ProgramState.save(off, offFile);
        assertThat(JSON.readTree(offFile.toFile())
                        .at("/predictors/self/json_fallback")
                        .booleanValue())
                .isFalse();
        Predict builtOff = (Predict) ProgramState.read(offFile).build();
        assertThat(((dev.dspy4j.adapter.ChatAdapter) builtOff.adapter()).jsonFallback())
                .isFalse();

        Path onFile = dir.resolve("on.json");
        ProgramState.save(Predict.of("question -> answer"), onFile);
        assertThat(JSON.readTree(onFile.toFile()).at("/predictors/self").has("json_fallback"))
                .isFalse();
        Predict builtOn = (Predict) ProgramState.read(onFile).build();
        assertThat(((dev.dspy4j.adapter.ChatAdapter) builtOn.adapter()).jsonFallback())
                .isTrue();

        ObjectNode root = (ObjectNode) JSON.readTree(offFile.toFile());
        ((ObjectNode) root.at("/predictors/self")).put("adapter", "XmlAdapter");
        Files.writeString(offFile, JSON.writeValueAsString(root));
        assertThatThrownBy(() -> ProgramState.read(offFile))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("json_fallback")
                .hasMessageContaining("only a ChatAdapter has a JSON fallback");
    }

    @Test
    void anUnknownAdapterNamesTheFileAndThePath() throws IOException {
        Path file = dir.resolve("custom-adapter.json");
        ProgramState.save(Predict.of("question -> answer"), file);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ((ObjectNode) root.at("/predictors/self")).put("adapter", "MyAdapter");
        Files.writeString(file, JSON.writeValueAsString(root));
        assertThatThrownBy(() -> ProgramState.read(file).build())
                .isInstanceOf(ProgramStateException.class)
                .hasMessageStartingWith(file + ": $.predictors.self.adapter: unknown adapter 'MyAdapter'")
                .satisfies(e -> assertThat(((ProgramStateException) e).file()).isEqualTo(file));
    }

    @Test
    void chainOfThoughtIsBuiltFromItsFile() throws IOException {
        ChainOfThought cot = ChainOfThought.of("question -> answer: int");
        cot = cot.withPredictors(Map.of(
                "predict",
                cot.predict()
                        .withInstructions("Add up.")
                        .withDemos(List.of(Example.of("question", "1+1", "reasoning", "one and one", "answer", 2)))));
        Path file = dir.resolve("cot.json");
        ProgramState.save(cot, file);

        ProgramState state = ProgramState.read(file);
        assertThat(state.program()).isEqualTo("ChainOfThought");
        Module built = state.build();

        assertThat(built).isInstanceOf(ChainOfThought.class);
        Predict p = ((ChainOfThought) built).predict().withAdapter(adapter);
        assertThat(p.signature()).isEqualTo(cot.predict().signature());
        assertThat(p.demos().get(0).get("answer")).isEqualTo(2L);
        assertThat(p.format(Map.of("question", "2+2")))
                .isEqualTo(cot.predict().withAdapter(adapter).format(Map.of("question", "2+2")));
    }

    @Test
    void loadingIntoAProgramOfAnotherShapeNamesTheMismatch() throws IOException {
        Path file = dir.resolve("p.json");
        ProgramState.save(program(TestImages.pngFile(dir, "d.png", 7), TestImages.png(2, 2, 8)), file);

        assertThatThrownBy(() -> ProgramState.load(Predict.of("question -> answer"), file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("p.json")
                .hasMessageContaining(
                        "was saved with signature 'image: Image, question: str -> answer: str, confidence: float'")
                .hasMessageContaining("'question: str -> answer: str'");
        assertThatThrownBy(() -> ProgramState.load(ChainOfThought.of(SIG), file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("predictor 'self'")
                .hasMessageContaining("[predict]");
    }

    @Test
    void checksTheFileAndNamesWhatIsWrong() throws IOException {
        Path img = TestImages.pngFile(dir, "d.png", 9);
        Path file = dir.resolve("p.json");
        ProgramState.save(program(img, TestImages.png(2, 2, 10)), file);
        ObjectNode good = (ObjectNode) JSON.readTree(file.toFile());

        assertProblem(
                edit(good, n -> ((ObjectNode) n.at("/predictors/self/signature")).remove("string")),
                "$.predictors.self.signature: missing key 'string'");
        assertProblem(
                edit(good, n -> ((ObjectNode) n.at("/predictors/self")).put("n", "two")),
                "$.predictors.self.n: expected an integer, found a string");
        assertProblem(
                edit(good, n -> ((ObjectNode) n.at("/predictors/self")).put("temprature", 1)),
                "$.predictors.self: unknown key 'temprature'");
        assertProblem(
                edit(good, n -> ((ObjectNode) n.at("/predictors/self/signature/descriptions")).put("answr", "x")),
                "$.predictors.self.signature.descriptions.answr: unknown field 'answr'; the signature's fields are "
                        + "[image, question, answer, confidence]");
        assertProblem(
                edit(good, n -> ((ObjectNode) n.at("/predictors/self/signature")).put("string", "a -> ")),
                "$.predictors.self.signature.string: signature 'a -> ' has no output field");
        assertProblem(
                edit(good, n -> ((ObjectNode) n.at("/predictors/self/lm/params")).put("api_key", "sk-x")),
                "$.predictors.self.lm.params.api_key: looks like a credential");
        assertProblem(
                edit(good, n -> ((ObjectNode) n.at("/predictors/self/demos/0/values/image")).put("$media", "hologram")),
                "$.predictors.self.demos[0].values.image.$media: unknown media kind 'hologram'");
        assertProblem(
                edit(good, n -> ((ObjectNode) n.at("/predictors/self/demos/0/values")).put("confidence", "high")),
                "$.predictors.self.demos[0].values.confidence: the saved value 'high' cannot be read as field "
                        + "'confidence' of type float");
        assertProblem(
                edit(good, n -> ((ObjectNode) n.at("/predictors/self/demos/0/values")).put("image", "cat.png")),
                "$.predictors.self.demos[0].values.image: field 'image' is Image, but the saved value is 'cat.png'");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"dspy4j_state\": 1, \"predictors\": {");
        assertThatThrownBy(() -> ProgramState.read(broken))
                .hasMessageContaining("broken.json: is not valid JSON at line 1");
        assertThatThrownBy(() -> ProgramState.read(dir.resolve("none.json")))
                .hasMessageContaining("none.json: does not exist");

        // media files: altered, then missing
        String rel = good.at("/predictors/self/demos/0/values/image/file").asText();
        Path mediaFile = dir.resolve(rel);
        byte[] orig = Files.readAllBytes(mediaFile);
        byte[] altered = orig.clone();
        altered[altered.length - 20] ^= 1;
        Files.write(mediaFile, altered);
        assertThatThrownBy(() -> ProgramState.read(file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining(
                        "$.predictors.self.demos[0].values.image.file: media file " + rel + " has sha256 ")
                .hasMessageContaining("the file was changed or replaced");
        Files.delete(mediaFile);
        assertThatThrownBy(() -> ProgramState.read(file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining(
                        "$.predictors.self.demos[0].values.image.file: media file " + rel + " cannot be used")
                .hasMessageContaining("does not exist");
    }

    private Path edit(ObjectNode good, java.util.function.Consumer<JsonNode> change) throws IOException {
        ObjectNode copy = good.deepCopy();
        change.accept(copy);
        Path f = dir.resolve("edited.json");
        JSON.writeValue(f.toFile(), copy);
        return f;
    }

    private void assertProblem(Path file, String message) {
        assertThatThrownBy(() -> ProgramState.read(file).applyTo(fresh()))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(message);
    }

    @Test
    void loadsADspyStateFileWithATextDemoAndAnImageDemo() throws Exception {
        Path file = Path.of(getClass().getResource("/state/dspy_program.json").toURI());

        ProgramState state = ProgramState.read(file);
        assertThat(state.format()).isEqualTo(ProgramState.Format.DSPY);
        LmSettings lm = state.predictors().get("self").lm();
        assertThat(lm)
                .isEqualTo(
                        new LmSettings("openai", "gpt-4o-mini", null, Map.of("temperature", 0.0, "max_tokens", 1000)));

        Predict loaded =
                state.applyTo(Predict.of("image: Image, question -> answer").withAdapter(adapter));

        assertThat(loaded.signature().instructions()).isEqualTo("Answer the question about the image in one word.");
        assertThat(loaded.signature().fields())
                .extracting(Field::description)
                .containsExactly("", "a question about the image", "one lowercase word");
        assertThat(loaded.demos()).hasSize(2);
        Example text = loaded.demos().get(0);
        assertThat(text.toMap())
                .isEqualTo(Map.of(
                        "augmented", true, "question", "What colour is the sky on a clear day?", "answer", "blue"));
        Example withImage = loaded.demos().get(1);
        assertThat(withImage.get("answer")).isEqualTo("red");
        Image image = (Image) withImage.get("image");
        assertThat(image.isRemote()).isFalse();
        assertThat(image.payload().mediaType().value()).isEqualTo("image/png");
        assertThat(image.payload().size()).isEqualTo(75);
        assertThat(image.payload().digest().hex())
                .isEqualTo("e6d66889131220f931fddfb05730d647a0992456c63ae0a8154b4ae32ff219ef");
        // the image reaches the prompt as an image part, not as text
        Prompt prompt = loaded.format(Map.of("image", Image.of(TestImages.png(2, 2, 1)), "question", "q"));
        assertThat(prompt.media().filter(m -> m instanceof Image).count()).isEqualTo(2);
        assertThat(prompt.messages().toString()).doesNotContain("CUSTOM-TYPE").doesNotContain("base64");

        // and a program built from the DSPy file with a signature given in code
        Module built = state.build(Signature.parse("image: Image, question -> answer"));
        assertThat(((Predict) built).demos()).hasSize(2);
    }

    /** DSPy writes an mp3 clip as {"format": "mp3"} and may leave a file's name out. */
    @Test
    void loadsDspyMp3AudioAndUnnamedFileDemos() throws Exception {
        byte[] mp3 = new byte[64];
        System.arraycopy("ID3".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, mp3, 0, 3);
        mp3[3] = 3;
        byte[] pdf = "%PDF-1.4\n%%EOF\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        String audioPart = "[{\"type\": \"input_audio\", \"input_audio\": {\"data\": \"" + b64.encodeToString(mp3)
                + "\", \"format\": \"mp3\"}}]";
        String filePart = "[{\"type\": \"file\", \"file\": {\"file_data\": \"data:application/pdf;base64,"
                + b64.encodeToString(pdf) + "\"}}]";
        com.fasterxml.jackson.databind.node.ObjectNode demo = JSON.createObjectNode();
        demo.put("clip", DspyStateReader.START + audioPart + DspyStateReader.END);
        demo.put("doc", DspyStateReader.START + filePart + DspyStateReader.END);
        demo.put("answer", "speech");
        com.fasterxml.jackson.databind.node.ObjectNode root = JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ObjectNode self = root.putObject("self");
        self.putArray("demos").add(demo);
        self.putObject("signature").put("instructions", "Describe.");
        Path file = dir.resolve("dspy_audio.json");
        JSON.writeValue(file.toFile(), root);

        Example loaded =
                ProgramState.read(file).predictors().get("self").demos().get(0);

        dev.dspy4j.media.Audio clip = (dev.dspy4j.media.Audio) loaded.get("clip");
        assertThat(clip.payload().mediaType()).isEqualTo(dev.dspy4j.media.MediaType.MP3);
        assertThat(clip.format()).isEqualTo("mp3");
        dev.dspy4j.media.File doc = (dev.dspy4j.media.File) loaded.get("doc");
        assertThat(doc.payload().mediaType()).isEqualTo(dev.dspy4j.media.MediaType.PDF);
        assertThat(doc.filename()).isEqualTo("file.pdf");
    }

    @Test
    void dspyFileWithAnotherNumberOfFieldsIsRejected() throws Exception {
        Path file = Path.of(getClass().getResource("/state/dspy_program.json").toURI());
        assertThatThrownBy(() -> ProgramState.load(Predict.of("question -> answer"), file))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining(
                        "predictor 'self' was saved with 3 fields, but the program's signature has 2 [question, answer]");

        Path bad = dir.resolve("dspy_bad.json");
        String text = Files.readString(file, StandardCharsets.UTF_8).replace("<<CUSTOM-TYPE-END-IDENTIFIER>>", "");
        Files.writeString(bad, text);
        assertThatThrownBy(() -> ProgramState.read(bad))
                .isInstanceOf(ProgramStateException.class)
                .hasMessageContaining("$.self.demos[1].image: a custom-type value must be exactly");
    }

    @Test
    void loadsADspyChainOfThoughtStateOntoAChainOfThought() throws IOException {
        Path file = dir.resolve("dspy_cot.json");
        Files.writeString(
                file,
                "{\"predict\": {\"traces\": [], \"train\": [], \"demos\": [{\"augmented\": true, "
                        + "\"question\": \"2+3?\", \"reasoning\": \"two plus three\", \"answer\": \"5\"}], "
                        + "\"signature\": {\"instructions\": \"Add the numbers.\", \"fields\": ["
                        + "{\"prefix\": \"Question:\", \"description\": \"${question}\"}, "
                        + "{\"prefix\": \"Reasoning: Let's think step by step in order to\", \"description\": \"${reasoning}\"}, "
                        + "{\"prefix\": \"Answer:\", \"description\": \"a whole number\"}]}, \"lm\": null}, "
                        + "\"metadata\": {\"dependency_versions\": {\"dspy\": \"3.0.3\"}}}");

        ChainOfThought cot = ProgramState.load(ChainOfThought.of("question -> answer: int"), file);

        Predict p = cot.predict();
        assertThat(p.signature().instructions()).isEqualTo("Add the numbers.");
        // DSPy's "${name}" placeholders keep the program's own descriptions
        assertThat(p.signature().output("reasoning").orElseThrow().description())
                .isEqualTo(ChainOfThought.REASONING_DESC);
        assertThat(p.signature().output("answer").orElseThrow().description()).isEqualTo("a whole number");
        // values are converted to the fields' types: the answer is an int field
        assertThat(p.demos().get(0).get("answer")).isEqualTo(5L);
        assertThat(p.demos().get(0).get("reasoning")).isEqualTo("two plus three");
        assertThat(p.lm()).isNull();
    }

    private static void assertSameParts(Prompt a, Prompt b) {
        assertThat(b.messages()).hasSameSizeAs(a.messages());
        for (int i = 0; i < a.messages().size(); i++) {
            List<Part> pa = a.messages().get(i).parts();
            List<Part> pb = b.messages().get(i).parts();
            assertThat(pb).hasSameSizeAs(pa);
            for (int j = 0; j < pa.size(); j++) {
                Part x = pa.get(j);
                Part y = pb.get(j);
                assertThat(y.getClass()).isEqualTo(x.getClass());
                if (x instanceof Part.Text t) {
                    assertThat(((Part.Text) y).text()).isEqualTo(t.text());
                } else {
                    Media mx = x.media();
                    Media my = y.media();
                    assertThat(my.payload().mediaType()).isEqualTo(mx.payload().mediaType());
                    assertThat(my.payload().digest()).isEqualTo(mx.payload().digest());
                }
            }
        }
    }
}
