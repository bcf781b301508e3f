package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.batch.BatchClient;
import dev.dspy4j.lm.batch.BatchRequest;
import dev.dspy4j.lm.batch.BatchResult;
import dev.dspy4j.lm.batch.BatchStatus;
import dev.dspy4j.lm.batch.JsonLines;
import dev.dspy4j.lm.http.ApiRequests;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.http.StreamingBody;
import dev.dspy4j.lm.upload.RemoteFile;
import dev.dspy4j.lm.upload.Uploads;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The OpenAI Batch API for one {@link OpenAiChat} or {@link OpenAiResponses}: the requests go as a JSONL
 * file uploaded with purpose {@code batch} through {@link OpenAiFiles} (each line
 * {@code {"custom_id":...,"method":"POST","url":"/v1/chat/completions","body":{...}}}, or with url
 * {@code /v1/responses}, the body written by the client's codec while the upload is sent), then {@code POST /batches}
 * ({@code input_file_id}, {@code endpoint}, {@code completion_window: "24h"}); {@code GET /batches/{id}}
 * ({@code validating}, {@code in_progress}, {@code finalizing}, {@code cancelling}: running;
 * {@code completed}, {@code expired}, {@code cancelled}: ended; {@code failed}: the input was refused,
 * {@code errors.data} says why); the results are the lines of {@code output_file_id} and
 * {@code error_file_id} ({@code {"custom_id":...,"response":{"status_code":...,"body":{...}},"error":...}}),
 * read as they download; {@code POST /batches/{id}/cancel}. Source: OpenAI's Batch API reference.
 * With uploads on, each request's payloads are uploaded first and its body refers to them by file id.
 */
final class OpenAiBatches implements BatchClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "OpenAI Batch API";
    private static final Executor SAME_THREAD = Runnable::run;

    /** Writes one request's body with the client's codec. */
    @FunctionalInterface
    interface BodyWriter {
        void write(JsonBody body, LmRequest request) throws IOException;
    }

    private final HttpLanguageModel chat;
    private final String endpoint;
    private final BodyWriter writer;
    private final BiFunction<JsonNode, LmRequest, LmResponse> parser;
    private final ApiRequests api;
    private final OpenAiFiles files;

    /**
     * @param client   the client whose account, key and codec the batch uses
     * @param endpoint the endpoint path every line goes to, {@code /v1/chat/completions} or {@code /v1/responses}
     * @param writer   the client's body writer
     * @param parser   the client's response parser
     */
    OpenAiBatches(
            HttpLanguageModel client,
            String endpoint,
            BodyWriter writer,
            BiFunction<JsonNode, LmRequest, LmResponse> parser) {
        this.chat = client;
        this.endpoint = endpoint;
        this.writer = writer;
        this.parser = parser;
        this.api = ApiRequests.of(client, API, null);
        this.files = OpenAiFiles.of(client);
    }

    @Override
    public String provider() {
        return "openai";
    }

    @Override
    public String account() {
        return Uploads.account(chat.baseUrl());
    }

    @Override
    public String model() {
        return chat.model();
    }

    @Override
    public void check(LmRequest request) {
        chat.checkInput(request);
    }

    @Override
    public BatchStatus create(List<BatchRequest> requests) {
        BatchClient.checkAll(requests, this, chat::uploadPayloads);
        StreamingBody lines;
        try {
            lines = new StreamingBody(
                    JSON,
                    body -> {
                        JsonGenerator g = body.json();
                        g.setRootValueSeparator(null);
                        for (BatchRequest r : requests) {
                            g.writeStartObject();
                            g.writeStringField("custom_id", r.customId());
                            g.writeStringField("method", "POST");
                            g.writeStringField("url", endpoint);
                            g.writeFieldName("body");
                            writer.write(body, r.request());
                            g.writeEndObject();
                            g.writeRaw('\n');
                        }
                    },
                    SAME_THREAD,
                    64 * 1024);
        } catch (IOException e) {
            throw new LmException(API + ": the batch input could not be written: " + e.getMessage(), 0, e);
        }
        RemoteFile input;
        try {
            input = files.upload(
                    "dspy4j-batch-" + requests.size() + ".jsonl",
                    OpenAiFiles.BATCH,
                    "application/jsonl",
                    lines::writeTo);
        } finally {
            lines.release();
        }
        String create = JSON.createObjectNode()
                .put("input_file_id", input.id())
                .put("endpoint", endpoint)
                .put("completion_window", "24h")
                .toString();
        return status(api.postJson(
                api.resolve("/batches"),
                create,
                "creating a batch of " + requests.size() + " requests from file " + input.id()));
    }

    @Override
    public BatchStatus retrieve(String batchId) {
        return status(api.get(batchUri(batchId, ""), "retrieving batch " + batchId));
    }

    @Override
    public BatchStatus cancel(String batchId) {
        return status(api.postJson(batchUri(batchId, "/cancel"), "{}", "canceling batch " + batchId));
    }

    @Override
    public void results(BatchStatus ended, Function<String, LmRequest> requests, Consumer<BatchResult> sink) {
        for (String fileId : new String[] {ended.output(), ended.errors()}) {
            if (fileId == null) continue;
            String what = API + ": the results of batch " + ended.id() + " (file " + fileId + ")";
            JsonLines.forEach(files.content(fileId), what, chat.maxResponseBytes(), line -> {
                String id = line.path("custom_id").asText("");
                LmRequest request = requests.apply(id);
                if (request != null) sink.accept(result(id, line, request));
            });
        }
    }

    private BatchResult result(String id, JsonNode line, LmRequest request) {
        JsonNode response = line.path("response");
        int status = response.path("status_code").asInt(0);
        JsonNode body = response.path("body");
        if (status / 100 == 2 && body.isObject()) {
            try {
                return new BatchResult.Succeeded(id, parser.apply(body, request));
            } catch (RuntimeException e) {
                return new BatchResult.Failed(
                        id, "errored", "unexpected answer in the batch results: " + api.redact(e.getMessage()));
            }
        }
        JsonNode error = line.path("error").isObject() ? line.path("error") : body.path("error");
        String message = error.path("message").asText("no message");
        String code = error.path("code").isTextual()
                ? error.path("code").asText()
                : error.path("type").asText(null);
        String kind =
                "batch_expired".equals(code) ? "expired" : "batch_cancelled".equals(code) ? "canceled" : "errored";
        return new BatchResult.Failed(
                id,
                kind,
                api.redact((status == 0 ? "" : "HTTP " + status + ": ")
                        + message
                        + (code == null ? "" : " [" + code + "]")));
    }

    private URI batchUri(String batchId, String suffix) {
        Objects.requireNonNull(batchId, "batchId");
        return api.resolve("/batches/" + URLEncoder.encode(batchId, StandardCharsets.UTF_8) + suffix);
    }

    private static BatchStatus status(JsonNode j) {
        String id = j.path("id").asText(null);
        if (id == null) throw new LmException(API + ": the answer has no batch id");
        String status = j.path("status").asText("unknown");
        BatchStatus.Phase phase = switch (status) {
            case "completed", "expired", "cancelled" -> BatchStatus.Phase.ENDED;
            case "failed" -> BatchStatus.Phase.FAILED;
            default -> BatchStatus.Phase.RUNNING;
        };
        JsonNode c = j.path("request_counts");
        String detail = null;
        if (phase == BatchStatus.Phase.FAILED) {
            StringBuilder d = new StringBuilder();
            for (JsonNode e : j.path("errors").path("data")) {
                if (d.length() > 0) d.append("; ");
                d.append(e.path("message").asText("?"));
                if (e.path("line").isNumber())
                    d.append(" (input line ").append(e.path("line").asInt()).append(')');
            }
            detail = d.length() == 0 ? null : d.toString();
        }
        return new BatchStatus(
                id,
                phase,
                status,
                c.path("total").asInt(),
                c.path("completed").asInt(),
                c.path("failed").asInt(),
                detail,
                text(j.path("output_file_id")),
                text(j.path("error_file_id")));
    }

    private static String text(JsonNode n) {
        return n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }
}
