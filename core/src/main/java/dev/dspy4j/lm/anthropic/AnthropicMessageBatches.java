package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.batch.BatchClient;
import dev.dspy4j.lm.batch.BatchRequest;
import dev.dspy4j.lm.batch.BatchResult;
import dev.dspy4j.lm.batch.BatchStatus;
import dev.dspy4j.lm.batch.JsonLines;
import dev.dspy4j.lm.http.ApiRequests;
import dev.dspy4j.lm.upload.Uploads;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Anthropic Message Batches for one {@link AnthropicChat}: {@code POST /v1/messages/batches} with
 * {@code {"requests":[{"custom_id":...,"params":{...}}]}} (each {@code params} written by the chat
 * client's codec, streamed), {@code GET /v1/messages/batches/{id}} ({@code processing_status}
 * {@code in_progress}, {@code canceling}, {@code ended}; {@code request_counts}), the results as JSONL from
 * the batch's {@code results_url} (each line {@code {"custom_id":...,"result":{"type":"succeeded","message":{...}}}}
 * or {@code errored} with {@code error}, {@code canceled}, {@code expired}), and
 * {@code POST /v1/messages/batches/{id}/cancel}. Source: Anthropic's Message Batches API reference.
 *
 * <p>The Messages API has no {@code n}: a request for {@code n > 1} completions goes as {@code n}
 * requests ({@code <custom_id>-n<i>}) whose answers are joined, as a live call makes {@code n} calls.
 * The {@code results_url} must be on the client's own host: the API key is not sent anywhere else.
 * With uploads on, each request's payloads are uploaded first and its params refer to them by file id.
 */
final class AnthropicMessageBatches implements BatchClient {
    private static final String API = "Anthropic message batches";

    private final AnthropicChat chat;
    private final ApiRequests api;
    private final URI batches;

    AnthropicMessageBatches(AnthropicChat chat) {
        this.chat = chat;
        this.api = ApiRequests.of(chat, API, null);
        this.batches = api.resolve("/v1/messages/batches");
    }

    @Override
    public String provider() {
        return "anthropic";
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
        Set<String> betas = new LinkedHashSet<>();
        for (BatchRequest r : requests) betas.addAll(chat.betasFor(r.request()));
        ApiRequests withBetas = betas.isEmpty()
                ? api
                : ApiRequests.of(chat, API, b -> b.header("anthropic-beta", String.join(",", betas)));
        JsonNode root = withBetas.postJson(
                batches,
                body -> {
                    JsonGenerator g = body.json();
                    g.writeStartObject();
                    g.writeArrayFieldStart("requests");
                    for (BatchRequest r : requests) {
                        int n = r.request().n();
                        LmRequest one = n == 1 ? r.request() : r.request().withN(1);
                        for (int i = 0; i < n; i++) {
                            g.writeStartObject();
                            g.writeStringField("custom_id", n == 1 ? r.customId() : r.customId() + "-n" + i);
                            g.writeFieldName("params");
                            chat.writeBody(body, one);
                            g.writeEndObject();
                        }
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                },
                "creating a batch of " + requests.size() + " requests");
        return status(root);
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
        String url = ended.output();
        if (url == null) {
            throw new LmException("Anthropic batch " + ended.id() + " has no results_url (processing_status "
                    + ended.status() + "): its results are not ready, or were deleted");
        }
        URI results = URI.create(chat.baseUrl().toString()).resolve(url);
        if (!sameOrigin(results, chat.baseUrl())) {
            throw new LmException("Anthropic batch " + ended.id() + ": results_url " + results.getScheme() + "://"
                    + results.getHost() + " is not on " + account() + ", so the API key is not sent there");
        }
        Map<String, List<LmResponse>> parts = new HashMap<>();
        Set<String> failedParents = new HashSet<>();
        String what = "reading the results of batch " + ended.id();
        JsonLines.forEach(api.download(results, what), API + ": " + what, chat.maxResponseBytes(), j -> {
            String id = j.path("custom_id").asText("");
            String parent = id;
            int n = 1;
            LmRequest request = requests.apply(id);
            if (request == null) {
                int cut = id.lastIndexOf("-n");
                if (cut > 0) {
                    parent = id.substring(0, cut);
                    request = requests.apply(parent);
                    if (request != null) n = request.n();
                }
            }
            if (request == null || failedParents.contains(parent)) return;
            BatchResult r = result(id, parent, j.path("result"), request);
            if (n == 1) {
                sink.accept(r);
            } else if (r instanceof BatchResult.Failed f) {
                failedParents.add(parent);
                parts.remove(parent);
                sink.accept(new BatchResult.Failed(parent, f.kind(), f.message()));
            } else {
                List<LmResponse> got = parts.computeIfAbsent(parent, k -> new ArrayList<>());
                got.add(((BatchResult.Succeeded) r).response());
                if (got.size() == n) {
                    parts.remove(parent);
                    sink.accept(new BatchResult.Succeeded(parent, joined(got)));
                }
            }
        });
        parts.forEach((parent, got) -> sink.accept(new BatchResult.Failed(
                parent, "errored", "only " + got.size() + " of the answers of this n > 1 request are in the results")));
    }

    private BatchResult result(String id, String parent, JsonNode result, LmRequest request) {
        String type = result.path("type").asText("");
        switch (type) {
            case "succeeded":
                try {
                    return new BatchResult.Succeeded(
                            parent, chat.parseResponse(result.path("message"), request.withN(1)));
                } catch (RuntimeException e) {
                    return new BatchResult.Failed(
                            parent, "errored", "unexpected answer in the batch results: " + e.getMessage());
                }
            case "errored": {
                JsonNode e = result.path("error");
                JsonNode inner = e.path("error").isObject() ? e.path("error") : e;
                String kind = inner.path("type").asText("error");
                return new BatchResult.Failed(
                        parent, "errored", inner.path("message").asText("no message") + " [" + kind + "]");
            }
            case "canceled":
                return new BatchResult.Failed(parent, "canceled", "the batch was canceled before this request ran");
            case "expired":
                return new BatchResult.Failed(
                        parent, "expired", "the batch expired (24 hours) before this request ran");
            default:
                return new BatchResult.Failed(
                        parent, "errored", "result type '" + type + "' of " + id + " is not one this client knows");
        }
    }

    private static LmResponse joined(List<LmResponse> got) {
        List<Completion> completions = new ArrayList<>();
        Usage usage = Usage.ZERO;
        String model = null;
        for (LmResponse r : got) {
            completions.addAll(r.completions());
            usage = usage.plus(r.usage());
            model = r.model();
        }
        return new LmResponse(completions, usage, model, false);
    }

    private URI batchUri(String batchId, String suffix) {
        Objects.requireNonNull(batchId, "batchId");
        return URI.create(batches + "/" + URLEncoder.encode(batchId, StandardCharsets.UTF_8) + suffix);
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static BatchStatus status(JsonNode j) {
        String id = j.path("id").asText(null);
        if (id == null)
            throw new LmException("Anthropic message batches: the answer has no batch id: " + abbreviate(j.toString()));
        String status = j.path("processing_status").asText("unknown");
        JsonNode c = j.path("request_counts");
        int processing = c.path("processing").asInt();
        int succeeded = c.path("succeeded").asInt();
        int failed = c.path("errored").asInt()
                + c.path("canceled").asInt()
                + c.path("expired").asInt();
        BatchStatus.Phase phase = "ended".equals(status) ? BatchStatus.Phase.ENDED : BatchStatus.Phase.RUNNING;
        String results =
                j.path("results_url").isTextual() ? j.path("results_url").asText() : null;
        return new BatchStatus(
                id, phase, status, processing + succeeded + failed, succeeded, failed, null, results, null);
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
