package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private Path program;
    private Path data;
    private Path cacheDir;

    /** Answers "echo <question>", read from the request's last user message: each row gets its own answer. */
    private static String echo(LoopbackChatServer.Received r) {
        try {
            JsonNode body = JSON.readTree(r.body());
            JsonNode messages = body.get("messages");
            JsonNode content = messages.get(messages.size() - 1).get("content");
            StringBuilder text = new StringBuilder();
            if (content.isTextual()) {
                text.append(content.asText());
            } else {
                for (JsonNode part : content) {
                    if (part.path("type").asText().equals("text"))
                        text.append(part.get("text").asText());
                }
            }
            String marker = "[[ ## question ## ]]\n";
            int at = text.indexOf(marker) + marker.length();
            int end = text.indexOf("\n", at);
            return LoopbackChatServer.chatAnswer("answer", "echo " + text.substring(at, end < 0 ? text.length() : end));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        server = LoopbackChatServer.builder()
                .keepBodies(true)
                .respond(RunCommandTest::echo)
                .start();
        Path img = dir.resolve("data/img");
        NoiseImage.writePng(img, "a.png", 16, 16, 1);
        NoiseImage.writePng(img, "c.png", 16, 16, 3);
        NoiseImage.writePng(img, "d.png", 16, 16, 4);
        Path demo = NoiseImage.writePng(dir.resolve("demo"), "demo.png", 16, 16, 100);
        Predict p = Predict.of("image: Image, question -> answer")
                .withInstructions("Answer about the image.")
                .withDemos(
                        List.of(Example.of("image", Image.of(demo), "question", "what is this?", "answer", "noise")));
        program = dir.resolve("program/vqa.json");
        ProgramState.save(p, program);
        data = dir.resolve("data/rows.jsonl");
        Files.writeString(
                data,
                String.join(
                                "\n",
                                "{\"id\": \"a\", \"image\": \"img/a.png\", \"question\": \"first?\"}",
                                "{\"id\": \"b\", \"image\": \"img/missing.png\", \"question\": \"second?\"}",
                                "{\"id\": \"c\", \"image\": \"img/c.png\", \"question\": 42}",
                                "",
                                "{\"id\": \"d\", \"image\": \"img/d.png\", \"question\": \"fourth?\", \"label\": \"ignored\"}",
                                "{\"id\": \"e\", \"image\": \"img/a.png\"",
                                "{\"id\": \"f\", \"image\": 7, \"question\": \"sixth?\"}")
                        + "\n");
        cacheDir = dir.resolve("cache");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private record Run(int exit, String out, String err) {}

    private Run dspy4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run run(Path outFile) {
        return dspy4j(
                "run",
                "--program",
                program.toString(),
                "--data",
                data.toString(),
                "--out",
                outFile.toString(),
                "--lm",
                "openai/loopback-model",
                "--api-base",
                server.baseUrl(),
                "--cache-dir",
                cacheDir.toString(),
                "--threads",
                "3");
    }

    /** The output lines, ordered by row (they are written as rows finish). */
    static List<JsonNode> rows(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) rows.add(JSON.readTree(line));
        rows.sort(java.util.Comparator.comparingLong(r -> r.get("row").asLong()));
        return rows;
    }

    @Test
    void runsEveryRowReportsBadRowsInPlaceAndServesARerunFromTheCache() throws IOException {
        Path out = dir.resolve("out/first.jsonl");

        Run first = run(out);

        assertThat(first.exit()).as("some rows failed").isEqualTo(1);
        List<JsonNode> rows = rows(out);
        // the unreadable line has no id to echo
        assertThat(rows).extracting(r -> r.path("id").asText("-")).containsExactly("a", "b", "c", "d", "-", "f");
        assertThat(rows).extracting(r -> r.get("row").asInt()).containsExactly(1, 2, 3, 5, 6, 7);
        assertThat(rows.get(0).get("outputs").toString()).isEqualTo("{\"answer\":\"echo first?\"}");
        assertThat(rows.get(0).get("cached").asBoolean()).isFalse();
        assertThat(rows.get(1).get("error_type").asText()).isEqualTo("input");
        assertThat(rows.get(1).get("error").asText())
                .contains("field 'image'")
                .contains("missing.png")
                .contains("does not exist");
        assertThat(rows.get(2).get("error").asText())
                .isEqualTo("field 'question' is str: expected a string, found an integer");
        assertThat(rows.get(3).get("outputs").get("answer").asText()).isEqualTo("echo fourth?");
        assertThat(rows.get(4).get("error").asText())
                .startsWith("line 6: not valid JSON: ")
                .doesNotContain("Source");
        assertThat(rows.get(5).get("error").asText())
                .isEqualTo("field 'image' is Image: expected " + Dataset.MEDIA_FORMS + "; found an integer");
        assertThat(server.requestCount()).isEqualTo(2);
        // each request carried the demo image and the row's image as image parts
        String body = server.received().get(0).bodyText();
        assertThat(body.split("data:image/png;base64,", -1)).hasSize(3);
        assertThat(first.err())
                .contains("6/6 rows")
                .contains("rows/s")
                .contains("6 rows: 2 ok, 4 errors (input 4)")
                .contains("skipped blank lines: 4");

        server.reset();
        Path again = dir.resolve("out/again.jsonl");
        Run second = run(again);

        assertThat(second.exit()).isEqualTo(1);
        assertThat(server.requestCount()).isZero();
        List<JsonNode> rerun = rows(again);
        assertThat(rerun.get(0).get("outputs").get("answer").asText()).isEqualTo("echo first?");
        assertThat(rerun.get(0).get("cached").asBoolean()).isTrue();
        assertThat(rerun.get(3).get("cached").asBoolean()).isTrue();
        assertThat(rerun.get(1).get("error").asText())
                .isEqualTo(rows.get(1).get("error").asText());
        assertThat(second.err()).contains("2 from the cache");

        Run stats = dspy4j("cache", "stats", "--cache-dir", cacheDir.toString(), "--json");
        assertThat(JSON.readTree(stats.out()).get("entries").asLong()).isEqualTo(2);
        Run verify = dspy4j("cache", "verify", "--cache-dir", cacheDir.toString());
        assertThat(verify.exit()).isZero();
        assertThat(verify.out()).startsWith("ok: 2 entries checked");
        Run clear = dspy4j("cache", "clear", "--cache-dir", cacheDir.toString());
        assertThat(clear.out()).startsWith("removed 2 entries");
        assertThat(JSON.readTree(dspy4j("cache", "stats", "--cache-dir", cacheDir.toString(), "--json")
                                .out())
                        .get("entries")
                        .asLong())
                .isZero();
    }

    @Test
    void runsADspyStateFileWithTheSignatureGiven() throws Exception {
        Path dspy = dir.resolve("dspy.json");
        Files.writeString(
                dspy,
                "{\"self\": {\"traces\": [], \"train\": [], \"demos\": [{\"augmented\": true, "
                        + "\"question\": \"2+2?\", \"answer\": \"4\"}], \"signature\": {\"instructions\": \"Be brief.\", "
                        + "\"fields\": [{\"prefix\": \"Question:\", \"description\": \"${question}\"}, "
                        + "{\"prefix\": \"Answer:\", \"description\": \"${answer}\"}]}, \"lm\": {\"model\": \"openai/gpt-4o-mini\", "
                        + "\"temperature\": 0.0, \"api_base\": \"http://elsewhere.example\"}}, \"metadata\": {}}");
        Path rows = dir.resolve("q.jsonl");
        Files.writeString(rows, "{\"question\": \"3+3?\"}\n");
        Path out = dir.resolve("q.out.jsonl");

        Run missing = dspy4j(
                "run",
                "--program",
                dspy.toString(),
                "--data",
                rows.toString(),
                "--out",
                out.toString(),
                "--api-base",
                server.baseUrl(),
                "--no-cache");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("is a DSPy state file").contains("--signature");

        Run ok = dspy4j(
                "run",
                "--program",
                dspy.toString(),
                "--signature",
                "question -> answer",
                "--data",
                rows.toString(),
                "--out",
                out.toString(),
                "--api-base",
                server.baseUrl(),
                "--no-cache");

        assertThat(ok.exit()).isZero();
        assertThat(rows(out).get(0).get("outputs").get("answer").asText()).isEqualTo("echo 3+3?");
        String body = server.received().get(0).bodyText();
        // the LM from the file (model and temperature), the demo and the instructions; not the file's api_base
        assertThat(JSON.readTree(body).get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(JSON.readTree(body).get("temperature").asDouble()).isEqualTo(0.0);
        assertThat(body).contains("Be brief.").contains("2+2?");
    }

    @Test
    void usesTheLmRecordedInTheProgramAndTheAnthropicProvider() throws IOException {
        Predict withLm = Predict.of("image: Image, question -> answer")
                .withLm(OpenAiChat.builder()
                        .baseUrl(server.baseUrl())
                        .model("recorded-model")
                        .apiKey("sk-not-saved")
                        .temperature(0.5)
                        .cache(null)
                        .build());
        Path saved = dir.resolve("with-lm.json");
        ProgramState.save(withLm, saved);
        assertThat(Files.readString(saved))
                .contains("\"base_url\" : \"" + server.baseUrl() + "\"")
                .doesNotContain("sk-not-saved");
        Path rows = dir.resolve("data/one.jsonl");
        Files.writeString(rows, "{\"image\": \"img/a.png\", \"question\": \"which?\"}\n");
        Path out = dir.resolve("one.out.jsonl");

        Run untrusted = dspy4j(
                "run", "--program", saved.toString(), "--data", rows.toString(), "--out", out.toString(), "--no-cache");
        assertThat(untrusted.err()).contains("ignoring the base URL recorded in");
        assertThat(server.received()).isEmpty();

        Run recorded = dspy4j(
                "run",
                "--program",
                saved.toString(),
                "--data",
                rows.toString(),
                "--out",
                out.toString(),
                "--no-cache",
                "--trust-program-base-url");

        assertThat(recorded.exit()).as(recorded.err()).isZero();
        assertThat(recorded.err()).contains("using the base URL recorded in");
        assertThat(rows(out).get(0).get("outputs").get("answer").asText()).isEqualTo("echo which?");
        JsonNode body = JSON.readTree(server.received().get(0).body());
        assertThat(body.get("model").asText()).isEqualTo("recorded-model");
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.5);

        out = dir.resolve("two.out.jsonl");
        Run anthropic = dspy4j(
                "run",
                "--program",
                saved.toString(),
                "--data",
                rows.toString(),
                "--out",
                out.toString(),
                "--lm",
                "anthropic/claude-test",
                "--api-base",
                server.root().toString(),
                "--no-cache");

        assertThat(anthropic.exit()).as(anthropic.err()).isZero();
        assertThat(rows(out).get(0).get("outputs").get("answer").asText()).isEqualTo("echo which?");
        LoopbackChatServer.Received last = server.received().get(1);
        assertThat(last.path()).isEqualTo("/v1/messages");
        assertThat(JSON.readTree(last.body()).get("model").asText()).isEqualTo("claude-test");
    }

    @Test
    void namesAMissingLmOrProgram() {
        Path out = dir.resolve("x.jsonl");
        Run noLm = dspy4j("run", "--program", program.toString(), "--data", data.toString(), "--out", out.toString());
        assertThat(noLm.exit()).isEqualTo(2);
        assertThat(noLm.err()).contains("records no LM; pass --lm PROVIDER/MODEL");

        Run badLm = dspy4j(
                "run",
                "--program",
                program.toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--lm",
                "gpt-4o");
        assertThat(badLm.err()).contains("--lm must be PROVIDER/MODEL");

        Run noFile = dspy4j(
                "run",
                "--program",
                dir.resolve("nope.json").toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--lm",
                "openai/x");
        assertThat(noFile.exit()).isEqualTo(2);
        assertThat(noFile.err()).contains("nope.json: does not exist");
    }

    /** A JSONL file saved with a byte order mark (as some Windows editors do) still has a readable first row. */
    @Test
    void aByteOrderMarkBeforeTheFirstRowIsSkipped() throws IOException {
        Path rows = dir.resolve("data/bom.jsonl");
        Files.writeString(
                rows,
                "\uFEFF{\"image\": \"img/a.png\", \"question\": \"first?\"}\n"
                        + "{\"image\": \"img/c.png\", \"question\": \"second?\"}\n");
        Path out = dir.resolve("bom.out.jsonl");

        Run r = dspy4j(
                "run",
                "--program",
                program.toString(),
                "--data",
                rows.toString(),
                "--out",
                out.toString(),
                "--lm",
                "openai/loopback-model",
                "--api-base",
                server.baseUrl(),
                "--no-cache");

        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> written = rows(out);
        assertThat(written.get(0).path("error").asText("")).isEmpty();
        assertThat(written.get(0).get("outputs").get("answer").asText()).isEqualTo("echo first?");
        assertThat(written.get(1).get("outputs").get("answer").asText()).isEqualTo("echo second?");
    }

    /** Writing the output over the dataset would truncate the rows before they are read. */
    @Test
    void refusesToWriteTheOutputOverTheDataset() throws IOException {
        String before = Files.readString(data);
        Path sameFile = dir.resolve("data/../data/rows.jsonl");

        Run r = dspy4j(
                "run",
                "--program",
                program.toString(),
                "--data",
                data.toString(),
                "--out",
                sameFile.toString(),
                "--lm",
                "openai/loopback-model",
                "--api-base",
                server.baseUrl(),
                "--no-cache");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--out").contains("is the dataset");
        assertThat(Files.readString(data)).isEqualTo(before);
        assertThat(server.requestCount()).isZero();
    }
}
