package dev.dspy4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class LoopbackChatServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answersBothApisCountsBytesAndKeepsBodiesOnlyWhenAsked() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .respond(r -> LoopbackChatServer.chatAnswer("answer", "got " + r.bodyBytes())).keepBodies(true).start()) {
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

            assertThat(post(server.baseUrl() + "/embeddings", "{}").statusCode()).isEqualTo(404);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
            assertThat(server.requestCount()).isEqualTo(2);

            server.reset();
            assertThat(server.requestCount()).isZero();
            assertThat(server.received()).isEmpty();
        }
    }

    @Test
    void withoutKeepingBodiesOnlySizesAreRecordedAndResponderFailuresAre500() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.builder().respond(r -> {
            throw new IllegalStateException("scripted failure");
        }).start()) {
            HttpResponse<String> r = post(server.baseUrl() + "/chat/completions", "{\"a\":1}");
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(JSON.readTree(r.body()).at("/error/message").asText()).isEqualTo("scripted failure");
            assertThat(server.received().get(0).body()).isNull();
            assertThat(server.received().get(0).bodyBytes()).isEqualTo(7);
        }
    }
}
