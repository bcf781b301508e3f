package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dspy4j.module.Predict;
import dev.dspy4j.state.ProgramState;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dspy4j run} against a server that misbehaves on some rows (issue 17, items 4 and 5): a
 * chunked body that never ends fails its row at the response size limit, a body shorter than its
 * Content-Length that stays open fails its row at --timeout, and every other row runs. The
 * timeout is generous so that reading 32 MiB on a busy machine stays well within it.
 */
class RunHostileServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private HttpServer server;
    private ExecutorService threads;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "hostile-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        if (body.contains("endless")) {
            ex.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            OutputStream out = ex.getResponseBody();
            out.write('{');
            while (!Thread.currentThread().isInterrupted()) {
                out.write(chunk); // fails once the client has gone
                out.flush();
            }
        } else if (body.contains("stalled")) {
            ex.sendResponseHeaders(200, 1000);
            ex.getResponseBody().write("{\"choices\":".getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            ObjectNode message = JSON.createObjectNode()
                    .put("role", "assistant")
                    .put("content", LoopbackChatServer.chatAnswer("answer", "fine"));
            ObjectNode reply = JSON.createObjectNode()
                    .put("id", "c")
                    .put("object", "chat.completion")
                    .put("model", "m");
            reply.putArray("choices")
                    .addObject()
                    .put("index", 0)
                    .put("finish_reason", "stop")
                    .set("message", message);
            byte[] bytes = JSON.writeValueAsBytes(reply);
            ex.sendResponseHeaders(200, bytes.length);
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    @Test
    void aRowWhoseServerNeverStopsOrStallsFailsAloneAndTheOthersRun() throws IOException {
        Path program = dir.resolve("qa.json");
        ProgramState.save(Predict.of("question -> answer"), program);
        Path data = dir.resolve("rows.jsonl");
        Files.writeString(
                data,
                String.join(
                                "\n",
                                "{\"question\": \"one\"}",
                                "{\"question\": \"endless\"}",
                                "{\"question\": \"stalled\"}",
                                "{\"question\": \"four\"}")
                        + "\n");
        Path out = dir.resolve("out.jsonl");
        StringWriter err = new StringWriter();
        int exit = Main.run(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
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
                "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                "--no-cache",
                "--timeout",
                "15",
                "--retries",
                "0",
                "--threads",
                "4");

        List<JsonNode> rows =
                new ArrayList<>(List.of(JSON.nullNode(), JSON.nullNode(), JSON.nullNode(), JSON.nullNode()));
        for (String line : Files.readAllLines(out)) {
            JsonNode row = JSON.readTree(line);
            rows.set(row.get("row").asInt() - 1, row);
        }
        assertThat(rows).as(rows.toString()).doesNotContain(JSON.nullNode());
        assertThat(rows.get(0).at("/outputs/answer").asText()).isEqualTo("fine");
        assertThat(rows.get(1).get("error_type").asText()).isEqualTo("lm");
        assertThat(rows.get(1).get("error").asText()).contains("past the limit of 33554432 bytes");
        assertThat(rows.get(2).get("error_type").asText()).isEqualTo("lm");
        assertThat(rows.get(2).get("error").asText()).contains("no complete response within PT15S");
        assertThat(rows.get(3).at("/outputs/answer").asText()).isEqualTo("fine");
        assertThat(err.toString()).doesNotContain("OutOfMemoryError");
        assertThat(exit).as(err.toString()).isIn(0, 1);
    }
}
