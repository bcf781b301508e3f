package dev.dspy4j.testing;

import static dev.dspy4j.testing.ApiReplies.anthropicError;
import static dev.dspy4j.testing.ApiReplies.reply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The batch endpoints of {@link LoopbackChatServer}: Anthropic Message Batches
 * ({@code POST /v1/messages/batches}, {@code GET /v1/messages/batches/{id}}, {@code GET .../{id}/results},
 * {@code POST .../{id}/cancel}). A batch is {@code in_progress} until it has been polled
 * {@link LoopbackChatServer.Builder#batchPolls} times, then {@code ended}; each request is answered by the
 * server's responder, as a live call would be, unless {@link LoopbackChatServer.Builder#batchErrors} marks it
 * {@code errored}. Batches live in memory for the server's life.
 */
final class LoopbackBatches {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request inside a batch, as received: the path a live call would use and its body. */
    record Item(String customId, String path, JsonNode body) {}

    static final class Batch {
        final String id;
        final String provider;
        final List<Item> items;
        final AtomicInteger polls = new AtomicInteger();
        volatile boolean canceled;
        /** OpenAI: the input's problems (the batch then fails), the output and error file ids once made. */
        String inputFileId;
        /** OpenAI: the endpoint every line goes to ({@code /v1/chat/completions} or {@code /v1/responses}). */
        String endpoint;

        List<String> invalid = List.of();
        String outputFileId;
        String errorFileId;

        Batch(String id, String provider, List<Item> items) {
            this.id = id;
            this.provider = provider;
            this.items = items;
        }
    }

    private final LoopbackFiles files;
    private final Function<LoopbackChatServer.Received, String> responder;
    private final Predicate<LoopbackChatServer.Received> errors;
    private final int polls;
    private final String root;
    private final Map<String, Batch> batches = new ConcurrentHashMap<>();
    private final List<Item> items = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger pollCount = new AtomicInteger();

    LoopbackBatches(
            LoopbackFiles files,
            Function<LoopbackChatServer.Received, String> responder,
            Predicate<LoopbackChatServer.Received> errors,
            int polls,
            String root) {
        this.files = files;
        this.responder = responder;
        this.errors = errors;
        this.polls = polls;
        this.root = root;
    }

    static boolean handles(String path) {
        return path.contains("/messages/batches") || OPENAI.matcher(path).matches();
    }

    private static final java.util.regex.Pattern OPENAI = java.util.regex.Pattern.compile(".*/v1/batches(/.*)?");

    int created() {
        return created.get();
    }

    int polls() {
        return pollCount.get();
    }

    List<Item> items() {
        synchronized (items) {
            return List.copyOf(items);
        }
    }

    void handle(HttpExchange ex, String method, String path, byte[] body) throws IOException {
        if (!path.contains("/messages/batches")) {
            LoopbackOpenAiBatches.handle(this, ex, method, path, body);
            return;
        }
        String rest = path.substring(path.indexOf("/messages/batches") + "/messages/batches".length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (!"POST".equals(method)) {
                reply(ex, 405, anthropicError("invalid_request_error", "use POST to create a batch"));
                return;
            }
            createAnthropic(ex, body);
            return;
        }
        String[] parts = rest.substring(1).split("/", -1);
        Batch b = batches.get(parts[0]);
        if (b == null || !"anthropic".equals(b.provider)) {
            reply(ex, 404, anthropicError("not_found_error", "no message batch " + parts[0]));
            return;
        }
        if (parts.length == 1 && "GET".equals(method)) {
            pollCount.incrementAndGet();
            b.polls.incrementAndGet();
            reply(ex, 200, JSON.writeValueAsString(anthropicStatus(b)));
        } else if (parts.length == 2 && parts[1].equals("results") && "GET".equals(method)) {
            if (!ended(b)) {
                reply(ex, 400, anthropicError("invalid_request_error", "batch " + b.id + " has not ended"));
                return;
            }
            anthropicResults(ex, b);
        } else if (parts.length == 2 && parts[1].equals("cancel") && "POST".equals(method)) {
            b.canceled = true;
            reply(ex, 200, JSON.writeValueAsString(anthropicStatus(b)));
        } else {
            reply(ex, 404, anthropicError("not_found_error", "no such endpoint: " + method + " " + path));
        }
    }

    private void createAnthropic(HttpExchange ex, byte[] body) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            reply(ex, 400, anthropicError("invalid_request_error", "the body is not JSON: " + e.getMessage()));
            return;
        }
        JsonNode requests = root == null ? null : root.get("requests");
        if (requests == null || !requests.isArray() || requests.isEmpty()) {
            reply(ex, 400, anthropicError("invalid_request_error", "requests: a non-empty list is required"));
            return;
        }
        List<Item> list = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonNode r : requests) {
            String id = r.path("custom_id").asText("");
            if (!id.matches("[A-Za-z0-9_-]{1,64}")
                    || !ids.add(id)
                    || !r.path("params").isObject()) {
                reply(
                        ex,
                        400,
                        anthropicError(
                                "invalid_request_error",
                                "requests: custom_id '" + id
                                        + "' is not 1-64 letters, digits, - or _, is given twice, or has no params object"));
                return;
            }
            list.add(new Item(id, "/v1/messages", r.get("params")));
        }
        Batch b = add("msgbatch_loopback", "anthropic", list);
        reply(ex, 200, JSON.writeValueAsString(anthropicStatus(b)));
    }

    /** Registers a new batch of {@code list}; its id is {@code prefix} and a number. */
    Batch add(String prefix, String provider, List<Item> list) {
        Batch b = new Batch(prefix + created.incrementAndGet(), provider, list);
        batches.put(b.id, b);
        items.addAll(list);
        return b;
    }

    Batch get(String id, String provider) {
        Batch b = batches.get(id);
        return b != null && b.provider.equals(provider) ? b : null;
    }

    void polled(Batch b) {
        pollCount.incrementAndGet();
        b.polls.incrementAndGet();
    }

    LoopbackFiles files() {
        return files;
    }

    boolean ended(Batch b) {
        return b.canceled || b.polls.get() >= polls;
    }

    private ObjectNode anthropicStatus(Batch b) {
        boolean ended = ended(b);
        ObjectNode s = JSON.createObjectNode();
        s.put("id", b.id).put("type", "message_batch").put("processing_status", ended ? "ended" : "in_progress");
        ObjectNode c = s.putObject("request_counts");
        int errored = 0;
        if (ended && !b.canceled) {
            for (Item i : b.items) if (fails(i, "/v1/messages")) errored++;
        }
        c.put("processing", ended ? 0 : b.items.size());
        c.put("succeeded", ended && !b.canceled ? b.items.size() - errored : 0);
        c.put("errored", errored);
        c.put("canceled", b.canceled ? b.items.size() : 0);
        c.put("expired", 0);
        s.put("created_at", "2026-01-01T00:00:00Z");
        s.put("expires_at", "2026-01-02T00:00:00Z");
        if (ended) s.put("results_url", root + "/v1/messages/batches/" + b.id + "/results");
        else s.putNull("results_url");
        return s;
    }

    boolean fails(Item i, String path) {
        return errors.test(received(i, path));
    }

    /** The live answer's text for a batch request, from the server's responder. */
    String answer(Item i) {
        return responder.apply(received(i, i.path()));
    }

    static LoopbackChatServer.Received received(Item i, String path) {
        byte[] bytes = i.body().toString().getBytes(StandardCharsets.UTF_8);
        return new LoopbackChatServer.Received(path, bytes.length, bytes);
    }

    private void anthropicResults(HttpExchange ex, Batch b) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/binary");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            // newest first: results come in no particular order
            for (int k = b.items.size() - 1; k >= 0; k--) {
                Item i = b.items.get(k);
                ObjectNode line = JSON.createObjectNode();
                line.put("custom_id", i.customId());
                ObjectNode result = line.putObject("result");
                if (b.canceled) {
                    result.put("type", "canceled");
                } else if (fails(i, "/v1/messages")) {
                    result.put("type", "errored");
                    ObjectNode e = result.putObject("error");
                    e.put("type", "error");
                    e.putObject("error")
                            .put("type", "invalid_request_error")
                            .put("message", "loopback: this request is refused");
                } else {
                    result.put("type", "succeeded");
                    result.set("message", ModelApi.MESSAGES.answer(responder.apply(received(i, "/v1/messages"))));
                }
                out.write(JSON.writeValueAsBytes(line));
                out.write('\n');
            }
        }
    }
}
