package dev.dspy4j.module;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dspy4j.lm.anthropic.AnthropicChat;
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

/** ReAct with native tool calls through the Anthropic client: tools go in Anthropic's shape, tool_use blocks drive the loop. */
class ReActAnthropicToolsHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer server;
    private final List<JsonNode> bodies = Collections.synchronizedList(new ArrayList<>());
    private final List<String> replies = List.of("""
            {"model":"claude-x","stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5},"content":[
              {"type":"text","text":"[[ ## next_thought ## ]]\\nI will ask the catalogue.\\n\\n[[ ## completed ## ]]"},
              {"type":"tool_use","id":"toolu_1","name":"author","input":{"title":"Dune"}}]}""", """
            {"model":"claude-x","stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5},"content":[
              {"type":"tool_use","id":"toolu_2","name":"finish","input":{}}]}""", """
            {"model":"claude-x","stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":5},"content":[
              {"type":"text","text":"[[ ## reasoning ## ]]\\nThe catalogue says so.\\n\\n[[ ## answer ## ]]\\nFrank Herbert\\n\\n[[ ## completed ## ]]"}]}""");

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/messages", ex -> {
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
    void toolsTravelInAnthropicsShapeAndToolUseBlocksDriveTheLoop() {
        AnthropicChat lm = AnthropicChat.builder()
                .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .model("claude-test")
                .cache(null)
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
        assertThat(tools.get(0).has("type")).isFalse();
        assertThat(tools.get(0).get("name").asText()).isEqualTo("author");
        assertThat(tools.get(0).get("input_schema").get("required").get(0).asText())
                .isEqualTo("title");
        assertThat(tools.get(1).get("name").asText()).isEqualTo("finish");
        assertThat(tools.get(1).get("input_schema").get("type").asText()).isEqualTo("object");
        // the second step sees the observation; the extraction request carries no tools
        assertThat(bodies.get(1).toString()).contains("Frank Herbert");
        assertThat(bodies.get(2).has("tools")).isFalse();
    }
}
