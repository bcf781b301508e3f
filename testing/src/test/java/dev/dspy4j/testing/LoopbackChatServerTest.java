package dev.dspy4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LoopbackChatServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersBothApisCountsBytesAndKeepsBodiesOnlyWhenAsked() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .respond(r -> LoopbackChatServer.chatAnswer("answer", "got " + r.bodyBytes()))
                .keepBodies(true)
                .start()) {
            HttpResponse<String> openAi = post(server.baseUrl() + "/chat/completions", "{\"model\":\"m\"}");
            assertThat(openAi.statusCode()).isEqualTo(200);
            JsonNode o = JSON.readTree(openAi.body());
            assertThat(o.at("/choices/0/message/content").asText())
                    .isEqualTo("[[ ## answer ## ]]\ngot 13\n\n[[ ## completed ## ]]");
            assertThat(o.at("/choices/0/finish_reason").asText()).isEqualTo("stop");

            HttpResponse<String> anthropic = post(server.root() + "/v1/messages", "x".repeat(100_000));
            JsonNode a = JSON.readTree(anthropic.body());
            assertThat(a.at("/content/0/text").asText()).contains("got 100000");
            assertThat(a.at("/stop_reason").asText()).isEqualTo("end_turn");

            assertThat(server.requestCount()).isEqualTo(2);
            assertThat(server.totalBodyBytes()).isEqualTo(100_013);
            assertThat(server.lastBodyBytes()).isEqualTo(100_000);
            assertThat(server.maxBodyBytes()).isEqualTo(100_000);
            assertThat(server.received().get(0).bodyText()).isEqualTo("{\"model\":\"m\"}");
            assertThat(server.received().get(1).path()).isEqualTo("/v1/messages");

            assertThat(post(server.baseUrl() + "/embeddings", "{}").statusCode())
                    .isEqualTo(404);
            assertThat(http.send(
                                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(405);
            assertThat(server.requestCount()).isEqualTo(2);

            server.reset();
            assertThat(server.requestCount()).isZero();
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void withoutKeepingBodiesOnlySizesAreRecordedAndResponderFailuresAre500() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .respond(r -> {
                    throw new IllegalStateException("scripted failure");
                })
                .start()) {
            HttpResponse<String> r = post(server.baseUrl() + "/chat/completions", "{\"a\":1}");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(JSON.readTree(r.body()).at("/error/message").asText()).isEqualTo("scripted failure");
            assertThat(server.received().get(0).body()).isNull();
            assertThat(server.received().get(0).bodyBytes()).isEqualTo(7);
        }
    }

    @Test
    void mainRunsUntilKilledPrintsItsBaseUrlAndAnswersInTheProgramsOutputFields() throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LoopbackChatServer.class.getName(),
                        "0",
                        "answer",
                        "cat")
                .redirectErrorStream(true)
                .start();
        try {
            String url =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/v1");
            String content = JSON.readTree(post(url + "/chat/completions", "{}").body())
                    .at("/choices/0/message/content")
                    .asText();
            // the ChatAdapter's field markers; core's tests parse such answers through the adapter itself
            assertThat(content).isEqualTo("[[ ## answer ## ]]\ncat\n\n[[ ## completed ## ]]");
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void mainArgumentsChoosePortAndFieldsAndBadOnesAreNamed() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.fromArgs(new String[] {"0", "reasoning", "r", "answer", "dog"})) {
            String content = JSON.readTree(
                            post(server.baseUrl() + "/chat/completions", "{}").body())
                    .at("/choices/0/message/content")
                    .asText();
            assertThat(content)
                    .isEqualTo("[[ ## reasoning ## ]]\nr\n\n[[ ## answer ## ]]\ndog\n\n[[ ## completed ## ]]");
        }
        try (LoopbackChatServer server = LoopbackChatServer.fromArgs(new String[] {"0"})) {
            String content = JSON.readTree(
                            post(server.baseUrl() + "/chat/completions", "{}").body())
                    .at("/choices/0/message/content")
                    .asText();
            assertThat(content).isEqualTo(LoopbackChatServer.chatAnswer("answer", "ok"));
        }
        assertThatThrownBy(() -> LoopbackChatServer.fromArgs(new String[] {"port"}))
                .hasMessage("PORT must be a number from 0 to 65535, got 'port'");
    }

    @Test
    void answersTheResponsesApiPlainAndAsEvents() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().answer("héllo").start()) {
            HttpResponse<String> plain = post(server.baseUrl() + "/responses", "{\"model\":\"m\",\"input\":\"hi\"}");
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode r = JSON.readTree(plain.body());
            assertThat(r.path("object").asText()).isEqualTo("response");
            assertThat(r.path("status").asText()).isEqualTo("completed");
            assertThat(r.at("/output/0/content/0").toString())
                    .isEqualTo("{\"type\":\"output_text\",\"text\":\"héllo\",\"annotations\":[]}");
            assertThat(r.path("usage").toString())
                    .isEqualTo(
                            "{\"input_tokens\":100,\"input_tokens_details\":{\"cached_tokens\":0},"
                                    + "\"output_tokens\":10,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":110}");

            HttpResponse<String> streamed =
                    post(server.baseUrl() + "/responses", "{\"model\":\"m\",\"stream\": true,\"input\":\"hi\"}");
            assertThat(streamed.headers().firstValue("Content-Type")).hasValue("text/event-stream");
            String[] events = streamed.body().split("\n\n");
            assertThat(events).hasSize(4);
            assertThat(events[0])
                    .startsWith("event: response.created\ndata: {\"type\":\"response.created\",\"response\":{");
            assertThat(events[1])
                    .isEqualTo("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
                            + "\"item_id\":\"msg_loopback\",\"output_index\":0,\"content_index\":0,\"delta\":\"hé\"}");
            assertThat(events[2]).endsWith("\"delta\":\"llo\"}");
            JsonNode completed = JSON.readTree(events[3].substring(events[3].indexOf("data: ") + 6));
            assertThat(completed.path("type").asText()).isEqualTo("response.completed");
            assertThat(completed.at("/response/output/0/content/0/text").asText())
                    .isEqualTo("héllo");
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }
}
