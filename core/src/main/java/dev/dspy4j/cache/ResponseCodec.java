package dev.dspy4j.cache;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.Citation;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ToolCall;
import dev.dspy4j.lm.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of an {@link LmResponse}: compact JSON with a version number.
 *
 * <pre>{@code
 * {"v":1,"model":"gpt-4o-mini","hit":false,"usage":[12,5],
 *  "completions":[{"text":"...","finish":"stop","tools":[{"id":"c1","name":"f","args":"{}"}]}]}
 * }</pre>
 *
 * {@code finish} and {@code tools} are left out when null or empty, as are {@code refusal} (the
 * model's refusal) and {@code cites} (citations: type, cited text, document index, title, URL, start,
 * end, supported text). {@code usage} has three more counts (cached prompt, cache-write and reasoning
 * tokens) when any of them is not zero. Values written before these fields existed read as before.
 * Public so that stores outside this module (such as {@code dspy4j-redis}) keep the same bytes as
 * {@link DiskCache}.
 */
public final class ResponseCodec {
    /** The version written; a stored value of another version is not read. */
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private ResponseCodec() {}

    /**
     * Encodes a response.
     *
     * @param r the response
     * @return its stored form, UTF-8 JSON as shown above
     */
    public static byte[] encode(LmResponse r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeNumberField("v", VERSION);
            g.writeStringField("model", r.model());
            g.writeBooleanField("hit", r.cacheHit());
            g.writeArrayFieldStart("usage");
            Usage u = r.usage();
            g.writeNumber(u.promptTokens());
            g.writeNumber(u.completionTokens());
            if (u.cachedPromptTokens() != 0 || u.cacheWriteTokens() != 0 || u.reasoningTokens() != 0) {
                g.writeNumber(u.cachedPromptTokens());
                g.writeNumber(u.cacheWriteTokens());
                g.writeNumber(u.reasoningTokens());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("completions");
            for (Completion c : r.completions()) {
                g.writeStartObject();
                g.writeStringField("text", c.text());
                if (c.finishReason() != null) g.writeStringField("finish", c.finishReason());
                if (!c.toolCalls().isEmpty()) {
                    g.writeArrayFieldStart("tools");
                    for (ToolCall t : c.toolCalls()) {
                        g.writeStartObject();
                        g.writeStringField("id", t.id());
                        g.writeStringField("name", t.name());
                        g.writeStringField("args", t.argumentsJson());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                if (c.refusal() != null) g.writeStringField("refusal", c.refusal());
                if (!c.citations().isEmpty()) {
                    g.writeArrayFieldStart("cites");
                    for (Citation x : c.citations()) {
                        g.writeStartObject();
                        g.writeStringField("type", x.type());
                        g.writeStringField("cited", x.citedText());
                        g.writeNumberField("doc", x.documentIndex());
                        if (x.documentTitle() != null) g.writeStringField("title", x.documentTitle());
                        if (x.url() != null) g.writeStringField("url", x.url());
                        g.writeNumberField("start", x.start());
                        g.writeNumberField("end", x.end());
                        g.writeStringField("supported", x.supportedText());
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a response (in memory, should not happen)", e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a stored value.
     *
     * @param bytes what {@link #encode} wrote
     * @return the response, with {@link LmResponse#cacheHit()} as stored
     * @throws IllegalArgumentException naming what is wrong if the bytes are not a stored response
     */
    public static LmResponse decode(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException("not a JSON object");
        int v = root.path("v").asInt(-1);
        if (v != VERSION) {
            throw new IllegalArgumentException("stored with encoding version " + v + ", this version reads " + VERSION);
        }
        JsonNode usage = root.path("usage");
        boolean usageOk = usage.isArray() && (usage.size() == 2 || usage.size() == 5);
        for (JsonNode n : usage) usageOk &= n.canConvertToLong();
        if (!usageOk) {
            throw new IllegalArgumentException("field usage must be [promptTokens, completionTokens] or those and"
                    + " [cachedPromptTokens, cacheWriteTokens, reasoningTokens], not " + usage);
        }
        JsonNode cs = root.path("completions");
        if (!cs.isArray() || cs.isEmpty()) {
            throw new IllegalArgumentException("field completions must be a non-empty array");
        }
        List<Completion> completions = new ArrayList<>(cs.size());
        for (JsonNode c : cs) {
            JsonNode text = c.path("text");
            if (!text.isTextual()) throw new IllegalArgumentException("a completion has no text field");
            JsonNode finish = c.get("finish");
            List<ToolCall> tools = new ArrayList<>();
            for (JsonNode t : c.path("tools")) {
                JsonNode name = t.path("name");
                if (!name.isTextual()) throw new IllegalArgumentException("a tool call has no name field");
                tools.add(new ToolCall(
                        t.path("id").asText(""), name.asText(), t.path("args").asText("{}")));
            }
            List<Citation> cites = new ArrayList<>();
            for (JsonNode x : c.path("cites")) {
                cites.add(new Citation(
                        x.path("type").asText(""),
                        x.path("cited").asText(""),
                        x.path("doc").asInt(-1),
                        x.path("title").isTextual() ? x.path("title").asText() : null,
                        x.path("url").isTextual() ? x.path("url").asText() : null,
                        x.path("start").asLong(-1),
                        x.path("end").asLong(-1),
                        x.path("supported").asText("")));
            }
            JsonNode refusal = c.get("refusal");
            completions.add(new Completion(
                    text.asText(),
                    finish == null || finish.isNull() ? null : finish.asText(),
                    tools,
                    refusal == null || !refusal.isTextual() ? null : refusal.asText(),
                    cites));
        }
        JsonNode model = root.path("model");
        Usage u = usage.size() == 2
                ? new Usage(usage.get(0).asLong(), usage.get(1).asLong())
                : new Usage(
                        usage.get(0).asLong(),
                        usage.get(1).asLong(),
                        usage.get(2).asLong(),
                        usage.get(3).asLong(),
                        usage.get(4).asLong());
        return new LmResponse(
                completions,
                u,
                model.isTextual() ? model.asText() : "",
                root.path("hit").asBoolean(false));
    }
}
