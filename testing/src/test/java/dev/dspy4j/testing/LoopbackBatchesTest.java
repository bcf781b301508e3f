package dev.dspy4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loopback server's Anthropic Message Batches, over raw HTTP. */
class LoopbackBatchesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBatchEndsAtItsNthPollAndItsResultsAnswerOrFailEachRequest() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.fromArgs(
                new String[] {"--batch-polls", "2", "--batch-error-when", "bad", "0", "answer", "yes"})) {
            String base = server.root() + "/v1/messages/batches";
            String create =
                    "{\"requests\":[{\"custom_id\":\"a\",\"params\":{\"model\":\"m\",\"max_tokens\":5,\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"good\"}]}},{\"custom_id\":\"b\",\"params\":{\"model\":\"m\",\"max_tokens\":5,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"bad\"}]}}]}";
            JsonNode made = JSON.readTree(
                    send(HttpRequest.newBuilder(URI.create(base)).POST(HttpRequest.BodyPublishers.ofString(create)))
                            .body());
            assertThat(made.get("id").asText()).isEqualTo("msgbatch_loopback1");
            assertThat(made.get("processing_status").asText()).isEqualTo("in_progress");
            assertThat(made.get("request_counts").get("processing").asInt()).isEqualTo(2);

            JsonNode first = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/msgbatch_loopback1")))
                    .body());
            assertThat(first.get("processing_status").asText()).isEqualTo("in_progress");
            assertThat(first.get("results_url").isNull()).isTrue();
            JsonNode second = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/msgbatch_loopback1")))
                    .body());
            assertThat(second.get("processing_status").asText()).isEqualTo("ended");
            assertThat(second.get("request_counts").toString())
                    .isEqualTo("{\"processing\":0,\"succeeded\":1,\"errored\":1,\"canceled\":0,\"expired\":0}");

            List<JsonNode> lines = new ArrayList<>();
            for (String l : send(HttpRequest.newBuilder(
                            URI.create(second.get("results_url").asText())))
                    .body()
                    .lines()
                    .toList()) {
                lines.add(JSON.readTree(l));
            }
            assertThat(lines).hasSize(2);
            JsonNode b = lines.get(0);
            assertThat(b.get("custom_id").asText()).isEqualTo("b");
            assertThat(b.get("result").toString())
                    .isEqualTo(
                            "{\"type\":\"errored\",\"error\":{\"type\":\"error\",\"error\":"
                                    + "{\"type\":\"invalid_request_error\",\"message\":\"loopback: this request is refused\"}}}");
            JsonNode a = lines.get(1);
            assertThat(a.get("result").get("type").asText()).isEqualTo("succeeded");
            assertThat(a.get("result")
                            .get("message")
                            .get("content")
                            .get(0)
                            .get("text")
                            .asText())
                    .isEqualTo("[[ ## answer ## ]]\nyes\n\n[[ ## completed ## ]]");

            assertThat(server.batchesCreated()).isEqualTo(1);
            assertThat(server.batchPollCount()).isEqualTo(2);
            assertThat(server.requestCount())
                    .as("batch endpoints are not live calls")
                    .isZero();
            assertThat(server.batchRequests())
                    .extracting(LoopbackChatServer.Received::bodyText)
                    .containsExactly(
                            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"good\"}]}",
                            "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"bad\"}]}");
        }
    }

    @Test
    void anUnknownBatchIs404AndACanceledBatchEndsWithCanceledResults() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(100).start()) {
            String base = server.root() + "/v1/messages/batches";
            HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(base + "/msgbatch_nope")));
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(missing.body()).get("error").get("type").asText())
                    .isEqualTo("not_found_error");

            send(HttpRequest.newBuilder(URI.create(base))
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"requests\":[{\"custom_id\":\"a\",\"params\":{\"model\":\"m\"}}]}")));
            JsonNode canceled =
                    JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + "/msgbatch_loopback1/cancel"))
                                    .POST(HttpRequest.BodyPublishers.noBody()))
                            .body());
            assertThat(canceled.get("processing_status").asText()).isEqualTo("ended");
            String results = send(HttpRequest.newBuilder(
                            URI.create(canceled.get("results_url").asText())))
                    .body();
            assertThat(results).isEqualTo("{\"custom_id\":\"a\",\"result\":{\"type\":\"canceled\"}}\n");

            HttpResponse<String> dup = send(
                    HttpRequest.newBuilder(URI.create(base))
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            "{\"requests\":[{\"custom_id\":\"a\",\"params\":{}},{\"custom_id\":\"a\",\"params\":{}}]}")));
            assertThat(dup.statusCode()).isEqualTo(400);
        }
    }

    @Test
    void anOpenAiBatchReadsItsUploadedInputAndWritesOutputAndErrorFiles() throws Exception {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .batchPolls(1)
                .batchErrors(r -> r.bodyText().contains("bad"))
                .answer("yes")
                .start()) {
            String input =
                    "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"good\"}]}}\n{\"custom_id\":\"b\",\"method\":\"POST\","
                            + "\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"bad\"}]}}\n";
            String fileId =
                    server.files().put("in.jsonl", "batch", input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String base = server.baseUrl() + "/batches";
            JsonNode made = JSON.readTree(send(HttpRequest.newBuilder(URI.create(base))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"input_file_id\":\"" + fileId
                                    + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")))
                    .body());
            assertThat(made.get("status").asText()).isEqualTo("in_progress");
            JsonNode done = JSON.readTree(send(HttpRequest.newBuilder(
                            URI.create(base + "/" + made.get("id").asText())))
                    .body());
            assertThat(done.get("status").asText()).isEqualTo("completed");
            assertThat(done.get("request_counts").toString()).isEqualTo("{\"total\":2,\"completed\":1,\"failed\":1}");
            String output = new String(
                    server.files().get(done.get("output_file_id").asText()).content(),
                    java.nio.charset.StandardCharsets.UTF_8);
            JsonNode ok = JSON.readTree(output.strip());
            assertThat(ok.get("custom_id").asText()).isEqualTo("a");
            assertThat(ok.get("response").get("status_code").asInt()).isEqualTo(200);
            assertThat(ok.get("response")
                            .get("body")
                            .get("choices")
                            .get(0)
                            .get("message")
                            .get("content")
                            .asText())
                    .isEqualTo("yes");
            JsonNode bad = JSON.readTree(new String(
                            server.files()
                                    .get(done.get("error_file_id").asText())
                                    .content(),
                            java.nio.charset.StandardCharsets.UTF_8)
                    .strip());
            assertThat(bad.get("custom_id").asText()).isEqualTo("b");
            assertThat(bad.get("response").get("status_code").asInt()).isEqualTo(400);
        }
    }

    @Test
    void anOpenAiBatchWithAMalformedInputLineFails() throws Exception {
        try (LoopbackChatServer server =
                LoopbackChatServer.builder().batchPolls(0).start()) {
            String fileId = server.files()
                    .put(
                            "in.jsonl",
                            "batch",
                            "{\"custom_id\":\"a\",\"url\":\"/v1/embeddings\"}\n"
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            JsonNode made = JSON.readTree(send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/batches"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"input_file_id\":\"" + fileId
                                    + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")))
                    .body());
            assertThat(made.get("status").asText()).isEqualTo("failed");
            assertThat(made.get("errors").get("data").get(0).get("message").asText())
                    .isEqualTo(
                            "line 1: needs a unique custom_id, method POST, url /v1/chat/completions and a body object");
        }
    }
}
