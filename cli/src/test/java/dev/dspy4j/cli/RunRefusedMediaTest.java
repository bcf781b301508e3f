package dev.dspy4j.cli;

import static dev.dspy4j.cli.RunFixesTest.dspy4j;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A row whose media the provider refuses before sending is an input error, and no LM error. */
class RunRefusedMediaTest {
    @TempDir
    Path dir;

    private LoopbackChatServer server;

    @BeforeEach
    void setUp() {
        server = LoopbackChatServer.start(LoopbackChatServer.chatAnswer("answer", "cat"));
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void aBmpImageRowIsAnInputErrorAndTheLmLineCountsNoError() throws IOException {
        byte[] bmp = new byte[80];
        bmp[0] = 'B';
        bmp[1] = 'M';
        bmp[2] = 80;
        Files.write(dir.resolve("x.bmp"), bmp);
        Path program = dir.resolve("p.json");
        assertThat(dspy4j("new", "--signature", "image: Image -> answer", "--out", program.toString())
                        .exit())
                .isZero();
        Path data = dir.resolve("rows.jsonl");
        Files.writeString(data, "{\"image\": \"x.bmp\"}\n");
        Path out = dir.resolve("out.jsonl");

        var r = dspy4j(
                "run",
                "--program",
                program.toString(),
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--lm",
                "openai/m",
                "--api-base",
                server.baseUrl(),
                "--no-cache");

        assertThat(r.exit()).isEqualTo(1);
        JsonNode row = new ObjectMapper().readTree(Files.readString(out));
        assertThat(row.get("error_type").asText()).as(row.toString()).isEqualTo("input");
        assertThat(row.get("error").asText()).contains("image/bmp");
        assertThat(r.err()).contains("0 LM calls (0 cache hits, 0 errors)");
        assertThat(server.requestCount()).isZero();
    }
}
