package dev.dspy4j.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dspy4j.lm.openai.OpenAiChat;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ReAct with native tool calls through the OpenAI-compatible client and a loopback server. */
class ReActNativeToolsHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> replies = List.of("""
            {"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":
              "[[ ## next_thought ## ]]\\nI will ask the catalogue.\\n\\n[[ ## completed ## ]]",
              "tool_calls":[{"id":"call_1","type":"function","function":{"name":"author","arguments":"{\\"title\\":\\"Dune\\"}"}}]}}],
             "usage":{"prompt_tokens":10,"completion_tokens":5}}""", """
            {"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
              "tool_calls":[{"id":"call_2","type":"function","function":{"name":"finish","arguments":"{}"}}]}}]}""", """
            {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":
              "[[ ## reasoning ## ]]\\nThe catalogue says so.\\n\\n[[ ## answer ## ]]\\nFrank Herbert\\n\\n[[ ## completed ## ]]"}}]}""");

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            String reply;
            synchronized (bodies) {
                bodies.add(body);
                reply = replies.get(bodies.size() - 1);
            }
            byte[] out = reply.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static final class Catalogue {
        @ToolDoc("Finds the author of a book.")
        public String author(String title) {
            return title.equals("Dune") ? "Frank Herbert" : "unknown";
        }
    }

    @Test
    void toolsTravelAsTheToolsParameterAndToolCallsDriveTheLoop() {
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/v1")
                .model("local")
                .nativeTools(true)
                .maxAttempts(1)
                .build();
        ReAct agent = ReAct.of("question -> answer", Tool.fromObject(new Catalogue()), 4)
                .withNativeTools(true);

        Prediction p = agent.withLm(lm).call(Map.of("question", "Who wrote Dune?"));

        assertThat(p.getString("answer")).isEqualTo("Frank Herbert");
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) p.get(ReAct.TRAJECTORY);
        assertThat(t.get("thought_0")).isEqualTo("I will ask the catalogue.");
        assertThat(t.get("tool_args_0")).isEqualTo(Map.of("title", "Dune"));
        assertThat(t.get("observation_0")).isEqualTo("Frank Herbert");
        assertThat(t.get("tool_name_1")).isEqualTo("finish");

        assertThat(bodies).hasSize(3);
        JsonNode tools = bodies.get(0).get("tools");
        assertThat(tools).hasSize(2);
        assertThat(tools.get(0).get("type").asText()).isEqualTo("function");
        assertThat(tools.get(0).get("function").get("name").asText()).isEqualTo("author");
        assertThat(tools.get(0)
                        .get("function")
                        .get("parameters")
                        .get("required")
                        .get(0)
                        .asText())
                .isEqualTo("title");
        assertThat(tools.get(1).get("function").get("name").asText()).isEqualTo("finish");
        // the second step sees the observation; the extraction request carries no tools
        assertThat(bodies.get(1).toString()).contains("Frank Herbert");
        assertThat(bodies.get(2).has("tools")).isFalse();
    }
}
