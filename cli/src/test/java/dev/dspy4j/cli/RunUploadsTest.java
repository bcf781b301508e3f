package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dspy4j run --uploads}: each image crosses the wire once, across runs sharing a cache directory. */
class RunUploadsTest {
    @TempDir
    Path dir;

    private LoopbackChatServer server;
    private Path program;
    private Path cacheDir;

    private record Run(int exit, String out, String err) {}

    private static Run dspy4j(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void setUp() throws IOException {
        server = LoopbackChatServer.builder().start();
        Path img = dir.resolve("data/img");
        NoiseImage.writePng(img, "a.png", 64, 64, 1);
        NoiseImage.writePng(img, "b.png", 64, 64, 2);
        Path demo = NoiseImage.writePng(dir.resolve("demo"), "demo.png", 64, 64, 100);
        Predict p = Predict.of("image: Image, question -> answer")
                .withInstructions("Answer about the image.")
                .withDemos(
                        List.of(Example.of("image", Image.of(demo), "question", "what is this?", "answer", "noise")));
        program = dir.resolve("program/vqa.json");
        ProgramState.save(p, program);
        cacheDir = dir.resolve("cache");
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    private Run run(String lm, String name, String... questions) throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < questions.length; i++) {
            rows.append("{\"image\": \"img/")
                    .append(i % 2 == 0 ? "a" : "b")
                    .append(".png\", \"question\": \"")
                    .append(questions[i])
                    .append("\"}\n");
        }
        Path data = dir.resolve("data/" + name + ".jsonl");
        Files.writeString(data, rows.toString());
        return dspy4j(
                "run",
                "--program",
                program.toString(),
                "--data",
                data.toString(),
                "--out",
                dir.resolve(name + ".out.jsonl").toString(),
                "--lm",
                lm,
                "--api-base",
                server.baseUrl(),
                "--cache-dir",
                cacheDir.toString(),
                "--uploads",
                "--threads",
                "2",
                "--json");
    }

    @Test
    void eachImageIsUploadedOnceAndLaterRunsReuseTheUploadsRecordedBesideTheCache() throws IOException {
        Run first = run("openai-responses/m", "first", "q1", "q2", "q3");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(server.files().uploadCount()).isEqualTo(3); // the demo, a.png, b.png
        long uploaded = server.files().uploadBytes();
        long pngs = Files.size(dir.resolve("data/img/a.png"))
                + Files.size(dir.resolve("data/img/b.png"))
                + Files.size(dir.resolve("demo/demo.png"));
        assertThat(first.err()).contains(", 3 files uploaded (" + SeedBenchmark.size(pngs) + "), ");
        var summary = Jsons.MAPPER.readTree(first.out());
        assertThat(summary.get("uploads").asLong()).isEqualTo(3);
        assertThat(summary.get("upload_bytes").asLong()).isEqualTo(pngs);

        Run second = run("openai-responses/m", "second", "q4", "q5");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(server.requestCount()).isEqualTo(5);
        assertThat(server.files().uploadCount()).isEqualTo(3);
        assertThat(server.files().uploadBytes()).isEqualTo(uploaded);
        assertThat(second.err()).contains(" from the cache, no files uploaded, ");
        // each request body names the files, and carries no image bytes
        assertThat(server.maxBodyBytes()).isLessThan(3000);

        Run list = dspy4j("files", "list", "--cache-dir", cacheDir.toString());
        assertThat(list.out()).contains("3 uploads");
    }

    @Test
    void chatCompletionsSayOnceThatImagesGoInline() throws IOException {
        Run r = run("openai/m", "chat", "q1", "q2", "q3");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(server.files().uploadCount()).isZero();
        String warning = "OpenAI chat completions take images inline only (file ids are for PDFs), so images are sent"
                + " inline; OpenAiResponses (--lm openai-responses/MODEL) sends them by file id";
        assertThat(r.err()).contains(warning);
        assertThat(r.err().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
    }
}
