package dev.dspy4j.testing;

import static dev.dspy4j.testing.ApiReplies.openAiError;
import static dev.dspy4j.testing.ApiReplies.reply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The OpenAI Batch API of {@link LoopbackChatServer}: {@code POST /v1/batches} ({@code input_file_id} of a
 * file uploaded with purpose {@code batch}, {@code endpoint} {@code /v1/chat/completions} or {@code /v1/responses}, each line answered in that API's shape,
 * {@code completion_window} {@code 24h}), {@code GET /v1/batches/{id}} ({@code in_progress} until its
 * N-th poll, then {@code completed} with {@code output_file_id} and {@code error_file_id} files made in
 * the server's Files API; {@code failed} with {@code errors} when an input line is malformed), and
 * {@code POST /v1/batches/{id}/cancel} ({@code cancelled}).
 */
final class LoopbackOpenAiBatches {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ENDPOINT = "/v1/chat/completions";
    /** The endpoints a batch may go to: chat completions and responses. */
    static final java.util.List<String> ENDPOINTS = java.util.List.of(ENDPOINT, "/v1/responses");

    private LoopbackOpenAiBatches() {}

    static void handle(LoopbackBatches all, HttpExchange ex, String method, String path, byte[] body)
            throws IOException {
        String rest = path.substring(path.indexOf("/v1/batches") + "/v1/batches".length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (!"POST".equals(method)) {
                reply(ex, 405, openAiError("use POST to create a batch", "invalid_request_error", null));
                return;
            }
            create(all, ex, body);
            return;
        }
        String[] parts = rest.substring(1).split("/", -1);
        LoopbackBatches.Batch b = all.get(parts[0], "openai");
        if (b == null) {
            reply(ex, 404, openAiError("No batch found with id '" + parts[0] + "'.", "invalid_request_error", null));
            return;
        }
        if (parts.length == 1 && "GET".equals(method)) {
            all.polled(b);
            reply(ex, 200, JSON.writeValueAsString(status(all, b)));
        } else if (parts.length == 2 && parts[1].equals("cancel") && "POST".equals(method)) {
            b.canceled = true;
            reply(ex, 200, JSON.writeValueAsString(status(all, b)));
        } else {
            reply(ex, 404, openAiError("no such endpoint: " + method + " " + path, "invalid_request_error", null));
        }
    }

    private static void create(LoopbackBatches all, HttpExchange ex, byte[] body) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            reply(ex, 400, openAiError("the body is not JSON", "invalid_request_error", null));
            return;
        }
        String fileId = root == null ? "" : root.path("input_file_id").asText("");
        String endpoint = root == null ? "" : root.path("endpoint").asText();
        if (!ENDPOINTS.contains(endpoint)
                || !"24h".equals(root.path("completion_window").asText())) {
            reply(
                    ex,
                    400,
                    openAiError(
                            "endpoint must be one of " + ENDPOINTS + " and completion_window 24h",
                            "invalid_request_error",
                            "endpoint"));
            return;
        }
        LoopbackFiles.StoredFile input = all.files().get(fileId);
        if (input == null || !"batch".equals(input.purpose()) || input.content() == null) {
            reply(
                    ex,
                    400,
                    openAiError(
                            "input_file_id '" + fileId + "' is not a file uploaded with purpose batch",
                            "invalid_request_error",
                            "input_file_id"));
            return;
        }
        List<LoopbackBatches.Item> items = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String[] lines = new String(input.content(), StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) continue;
            JsonNode line;
            try {
                line = JSON.readTree(lines[i]);
            } catch (IOException e) {
                invalid.add("line " + (i + 1) + " is not JSON");
                continue;
            }
            String id = line.path("custom_id").asText("");
            if (id.isEmpty()
                    || !ids.add(id)
                    || !"POST".equals(line.path("method").asText())
                    || !endpoint.equals(line.path("url").asText())
                    || !line.path("body").isObject()) {
                invalid.add("line " + (i + 1) + ": needs a unique custom_id, method POST, url " + endpoint
                        + " and a body object");
                continue;
            }
            items.add(new LoopbackBatches.Item(id, endpoint, line.get("body")));
        }
        LoopbackBatches.Batch b = all.add("batch_loopback", "openai", items);
        b.inputFileId = fileId;
        b.endpoint = endpoint;
        b.invalid = List.copyOf(invalid);
        reply(ex, 200, JSON.writeValueAsString(status(all, b)));
    }

    private static synchronized ObjectNode status(LoopbackBatches all, LoopbackBatches.Batch b) throws IOException {
        boolean ended = all.ended(b);
        String status = !b.invalid.isEmpty()
                ? (ended ? "failed" : "validating")
                : b.canceled ? "cancelled" : ended ? "completed" : "in_progress";
        int failed = 0;
        if (ended && b.invalid.isEmpty() && !b.canceled && b.outputFileId == null) results(all, b);
        if (ended && b.invalid.isEmpty() && !b.canceled) {
            for (LoopbackBatches.Item i : b.items) if (all.fails(i, i.path())) failed++;
        }
        ObjectNode s = JSON.createObjectNode();
        s.put("id", b.id)
                .put("object", "batch")
                .put("endpoint", b.endpoint)
                .put("input_file_id", b.inputFileId)
                .put("completion_window", "24h")
                .put("status", status)
                .put("created_at", 1767225600L);
        if (b.outputFileId != null) s.put("output_file_id", b.outputFileId);
        else s.putNull("output_file_id");
        if (b.errorFileId != null) s.put("error_file_id", b.errorFileId);
        else s.putNull("error_file_id");
        if ("failed".equals(status)) {
            ObjectNode errors = s.putObject("errors");
            errors.put("object", "list");
            for (String why : b.invalid)
                errors.withArray("data")
                        .addObject()
                        .put("code", "invalid_request")
                        .put("message", why);
        } else {
            s.putNull("errors");
        }
        ObjectNode c = s.putObject("request_counts");
        c.put("total", b.items.size());
        c.put("completed", "completed".equals(status) ? b.items.size() - failed : 0);
        c.put("failed", failed);
        return s;
    }

    /** Makes the output file (answered requests) and the error file (refused ones), newest request first. */
    private static void results(LoopbackBatches all, LoopbackBatches.Batch b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        for (int k = b.items.size() - 1; k >= 0; k--) {
            LoopbackBatches.Item i = b.items.get(k);
            ObjectNode line = JSON.createObjectNode();
            line.put("id", "batch_req_" + k).put("custom_id", i.customId());
            ObjectNode response = line.putObject("response");
            response.put("request_id", "req_" + k);
            if (all.fails(i, i.path())) {
                response.put("status_code", 400);
                response.set(
                        "body",
                        JSON.readTree(openAiError("loopback: this request is refused", "invalid_request_error", null)));
                line.putNull("error");
                err.write(JSON.writeValueAsBytes(line));
                err.write('\n');
            } else {
                response.put("status_code", 200);
                String answer = all.answer(i);
                response.set(
                        "body",
                        (i.path().endsWith("/responses") ? ModelApi.RESPONSES : ModelApi.CHAT_COMPLETIONS)
                                .answer(answer));
                line.putNull("error");
                out.write(JSON.writeValueAsBytes(line));
                out.write('\n');
            }
        }
        b.outputFileId = all.files().put(b.id + "_output.jsonl", "batch_output", out.toByteArray());
        if (err.size() > 0) b.errorFileId = all.files().put(b.id + "_error.jsonl", "batch_output", err.toByteArray());
    }
}
