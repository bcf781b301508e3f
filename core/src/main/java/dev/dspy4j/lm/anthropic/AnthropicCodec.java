package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.Citation;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ToolCall;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.http.ProviderMedia;
import dev.dspy4j.lm.http.SchemaCycles;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Role;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes Messages API requests and reads their responses.
 *
 * <p>System messages become the top-level {@code system} string (joined by blank lines). Other
 * messages: a single text part is a plain string {@code content}; otherwise a list of blocks: text
 * {@code {"type":"text","text":...}}; image
 * {@code {"type":"image","source":{"type":"base64","media_type":...,"data":...}}} or
 * {@code {"source":{"type":"url","url":...}}}; a PDF document
 * {@code {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":...}}} and a
 * text document {@code {"type":"document","source":{"type":"text","media_type":"text/plain","data":"<text>"}}},
 * each with {@code title}, {@code context} and {@code "citations":{"enabled":true}} when set. A
 * {@link File} with bytes is sent as the block its type calls for (image, PDF or text document,
 * titled by its file name); a file id as {@code {"type":"document","source":{"type":"file","file_id":...}}}.
 *
 * <p>Parameters: {@code max_tokens} is required (the request's {@code max_tokens}, else its
 * {@code max_completion_tokens}, else the builder's default); {@code stop} becomes
 * {@code stop_sequences}; {@code n}, {@code seed}, {@code response_format}, {@code frequency_penalty},
 * {@code presence_penalty}, {@code logprobs} and {@code top_logprobs} (OpenAI-only) are not sent;
 * everything else ({@code temperature}, {@code top_p}, {@code top_k}, {@code tools}, {@code tool_choice},
 * {@code metadata}, {@code thinking}, ...) is passed through as given.
 *
 * <p>With prompt caching, the messages {@link AnthropicPromptCache#breakpoints} chooses are written as
 * lists of blocks whose last block carries the client's {@code cache_control}.
 */
final class AnthropicCodec {
    private AnthropicCodec() {}

    static final Set<String> NOT_SENT = Set.of(
            "model",
            "messages",
            "stream",
            "stream_options",
            "n",
            "seed",
            "response_format",
            "frequency_penalty",
            "presence_penalty",
            "logprobs",
            "top_logprobs",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "system",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "output_config");

    /** The beta the Files API needs (a {@code file_id} source). */
    static final String FILES_API_BETA = "files-api-2025-04-14";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "the Anthropic Messages API";

    /** Throws {@link IllegalArgumentException} for what the Messages API cannot take. */
    static void check(LmRequest request) {
        for (Message m : request.prompt().messages()) {
            if (m.role() == Role.SYSTEM && !m.isText()) {
                throw new IllegalArgumentException(
                        "Anthropic system prompts hold text only, but a system message holds "
                                + m.parts().size() + " parts including media; put media in a user message");
            }
            for (Part p : m.parts()) {
                if (p instanceof Part.AudioPart) {
                    throw new IllegalArgumentException("the Anthropic Messages API does not take audio input");
                }
                if (p instanceof Part.VideoPart vp) ProviderMedia.refuseVideo(vp.video(), API);
                if (p instanceof Part.ImagePart ip && !ip.image().isRemote()) {
                    ProviderMedia.checkImage(
                            "image " + ip.image().payload().describe(),
                            ip.image().payload(),
                            API);
                }
                if (p instanceof Part.FilePart fp && fp.file().payload() != null) {
                    MediaType t = fp.file().payload().mediaType();
                    if (t.isImage()) {
                        ProviderMedia.checkImage(
                                "file " + fp.file().filename(), fp.file().payload(), API);
                    } else if (!t.equals(MediaType.PDF) && !t.isText()) {
                        throw new IllegalArgumentException("file " + fp.file().filename() + " is " + t + "; " + API
                                + " takes files that are images (" + ProviderMedia.names(ProviderMedia.IMAGE_TYPES)
                                + "), PDF (application/pdf) or text (text/..., application/json, application/xml)");
                    }
                }
                if (p instanceof Part.FilePart fp
                        && fp.file().idType() != null
                        && !takesById(fp.file().idType())) {
                    throw new IllegalArgumentException(
                            "file id " + fp.file().fileId() + " is " + fp.file().idType()
                                    + ", which " + API + " does not take by id (images "
                                    + ProviderMedia.names(ProviderMedia.IMAGE_TYPES)
                                    + " in an image block; application/pdf or text/plain in a document block); send the file's"
                                    + " bytes instead (File.of)");
                }
            }
        }
        boolean hasSystemMessage = request.prompt().messages().stream().anyMatch(m -> m.role() == Role.SYSTEM);
        if (hasSystemMessage && request.params().containsKey("system")) {
            throw new IllegalArgumentException(
                    "the request has both system messages and a \"system\" parameter; use one");
        }
    }

    /**
     * Whether a Files API id of this type has a block to go in: an accepted image type (image block),
     * PDF or plain text (document block). Source: Anthropic's Files API guide; other uploads serve
     * the code-execution container only.
     */
    private static boolean takesById(MediaType t) {
        return ProviderMedia.isAcceptedImage(t) || t.equals(MediaType.PDF) || t.equals(MediaType.TEXT);
    }

    /** The {@code anthropic-beta} features a request needs: the Files API when a part is a file id. */
    static List<String> betas(LmRequest request) {
        for (Message m : request.prompt().messages()) {
            for (Part p : m.parts()) {
                if (p instanceof Part.FilePart fp && fp.file().isReference()) return List.of(FILES_API_BETA);
            }
        }
        return List.of();
    }

    /**
     * Writes the request.
     *
     * @param structuredOutputs whether a JSON-schema {@code response_format} becomes
     *                          {@code output_config.format} (else it is not sent)
     */
    static void write(JsonBody body, String model, LmRequest request, int defaultMaxTokens, boolean structuredOutputs)
            throws IOException {
        write(body, model, request, defaultMaxTokens, structuredOutputs, false);
    }

    /** Writes the request; {@code stream} adds {@code "stream":true}. */
    static void write(
            JsonBody body,
            String model,
            LmRequest request,
            int defaultMaxTokens,
            boolean structuredOutputs,
            boolean stream)
            throws IOException {
        write(body, model, request, defaultMaxTokens, structuredOutputs, stream, null, p -> null);
    }

    /**
     * Writes the request.
     *
     * @param cacheControl the {@code cache_control} object put on the last block of the messages
     *                     {@link AnthropicPromptCache#breakpoints} chooses (such a message is written as a
     *                     list of blocks), or null for no prompt caching
     * @param uploaded     the Files API id of a payload sent by reference (an image in an image block, a PDF
     *                     or plain text in a document block, {@code "source":{"type":"file","file_id":...}}), or
     *                     null to send it inline; asked every time the body is written
     */
    static void write(
            JsonBody body,
            String model,
            LmRequest request,
            int defaultMaxTokens,
            boolean structuredOutputs,
            boolean stream,
            ObjectNode cacheControl,
            Function<Payload, String> uploaded)
            throws IOException {
        JsonGenerator g = body.json();
        Map<String, Object> params = request.params();
        g.writeStartObject();
        g.writeStringField("model", model);
        if (stream) g.writeBooleanField("stream", true);
        Object maxTokens = params.containsKey("max_tokens")
                ? params.get("max_tokens")
                : params.containsKey("max_completion_tokens") ? params.get("max_completion_tokens") : defaultMaxTokens;
        g.writeFieldName("max_tokens");
        g.writeObject(maxTokens);
        Object stop = params.get("stop");
        if (stop != null) {
            g.writeFieldName("stop_sequences");
            if (stop instanceof CharSequence s) {
                g.writeStartArray();
                g.writeString(s.toString());
                g.writeEndArray();
            } else {
                g.writeObject(stop);
            }
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (NOT_SENT.contains(p.getKey())) continue;
            g.writeFieldName(p.getKey());
            g.writeObject(p.getValue());
        }
        AnthropicTools.write(g, params);
        ObjectNode outputConfig = outputConfig(params, structuredOutputs);
        if (outputConfig != null) {
            g.writeFieldName("output_config");
            g.writeTree(outputConfig);
        }
        StringBuilder system = new StringBuilder();
        for (Message m : request.prompt().messages()) {
            if (m.role() != Role.SYSTEM) continue;
            if (system.length() > 0) system.append("\n\n");
            system.append(m.text());
        }
        if (system.length() > 0) {
            g.writeStringField("system", system.toString());
        } else if (params.containsKey("system")) {
            g.writeFieldName("system");
            g.writeObject(params.get("system"));
        }
        g.writeArrayFieldStart("messages");
        List<Message> messages = request.prompt().messages();
        Set<Integer> breakpoints = cacheControl == null ? Set.of() : AnthropicPromptCache.breakpoints(request.prompt());
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (m.role() == Role.SYSTEM) continue;
            if (breakpoints.contains(i)) {
                g.writeStartObject();
                g.writeStringField("role", m.role().wireName());
                g.writeArrayFieldStart("content");
                for (int k = 0; k < m.parts().size(); k++) {
                    writeBlock(body, m.parts().get(k), k == m.parts().size() - 1 ? cacheControl : null, uploaded);
                }
                g.writeEndArray();
                g.writeEndObject();
            } else {
                body.message(m, (b, part) -> writeBlock(b, part, null, uploaded));
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Writes one block; {@code cache}, if not null, is its {@code cache_control}. */
    private static void writeBlock(JsonBody body, Part part, ObjectNode cache, Function<Payload, String> uploaded)
            throws IOException {
        JsonGenerator g = body.json();
        if (part instanceof Part.Text t) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", t.text());
            endBlock(g, cache);
        } else if (part instanceof Part.ImagePart ip) {
            writeImage(body, ip.image().isRemote() ? null : ip.image().payload(), ip.image(), cache, uploaded);
        } else if (part instanceof Part.DocumentPart dp) {
            Document d = dp.document();
            writeDocument(body, d.payload(), d.title(), d.context(), d.citations(), cache, uploaded);
        } else if (part instanceof Part.FilePart fp) {
            File f = fp.file();
            if (f.payload() == null) {
                // a Files API id: an image in an image block, anything else (PDF, text) in a document block
                g.writeStartObject();
                g.writeStringField("type", f.idType() != null && f.idType().isImage() ? "image" : "document");
                g.writeObjectFieldStart("source");
                g.writeStringField("type", "file");
                g.writeStringField("file_id", f.fileId());
                g.writeEndObject();
                endBlock(g, cache);
            } else if (f.payload().mediaType().isImage()) {
                writeImage(body, f.payload(), null, cache, uploaded);
            } else {
                writeDocument(body, f.payload(), f.filename(), null, false, cache, uploaded);
            }
        } else {
            throw new IllegalArgumentException("the Anthropic Messages API cannot take a "
                    + part.getClass().getSimpleName());
        }
    }

    /** Ends a block object, first adding its {@code cache_control} if there is one. */
    private static void endBlock(JsonGenerator g, ObjectNode cache) throws IOException {
        if (cache != null) {
            g.writeFieldName("cache_control");
            g.writeTree(cache);
        }
        g.writeEndObject();
    }

    private static void writeImage(
            JsonBody body, Payload payload, Image remote, ObjectNode cache, Function<Payload, String> uploaded)
            throws IOException {
        JsonGenerator g = body.json();
        g.writeStartObject();
        g.writeStringField("type", "image");
        g.writeObjectFieldStart("source");
        String id = payload == null ? null : uploaded.apply(payload);
        if (id != null) {
            g.writeStringField("type", "file");
            g.writeStringField("file_id", id);
        } else if (payload == null) {
            g.writeStringField("type", "url");
            g.writeStringField("url", remote.url().toString());
        } else {
            g.writeStringField("type", "base64");
            g.writeStringField("media_type", payload.mediaType().value());
            body.base64Field("data", "", payload);
        }
        g.writeEndObject();
        endBlock(g, cache);
    }

    private static void writeDocument(
            JsonBody body,
            Payload payload,
            String title,
            String context,
            boolean citations,
            ObjectNode cache,
            Function<Payload, String> uploaded)
            throws IOException {
        JsonGenerator g = body.json();
        g.writeStartObject();
        g.writeStringField("type", "document");
        g.writeObjectFieldStart("source");
        String id = uploaded.apply(payload);
        if (id != null) {
            g.writeStringField("type", "file");
            g.writeStringField("file_id", id);
        } else if (payload.mediaType().isText()) {
            g.writeStringField("type", "text");
            g.writeStringField("media_type", "text/plain");
            g.writeFieldName("data");
            body.utf8String("", payload);
        } else {
            g.writeStringField("type", "base64");
            g.writeStringField("media_type", payload.mediaType().value());
            body.base64Field("data", "", payload);
        }
        g.writeEndObject();
        if (title != null) g.writeStringField("title", title);
        if (context != null) g.writeStringField("context", context);
        if (citations) {
            g.writeObjectFieldStart("citations");
            g.writeBooleanField("enabled", true);
            g.writeEndObject();
        }
        endBlock(g, cache);
    }

    /**
     * {@code output_config} from the request's own {@code output_config} and, where structured outputs
     * are on, a JSON-schema {@code response_format} as its {@code format}
     * ({@code {"type":"json_schema","schema":...}}); null when there is neither. A recursive schema
     * (a {@code $defs} entry that reaches itself) is not sent: Anthropic's structured outputs list
     * recursive schemas as unsupported, so the prompt's own instructions ask for the format instead.
     */
    static ObjectNode outputConfig(Map<String, Object> params, boolean structuredOutputs) {
        Object given = params.get("output_config");
        ObjectNode config = null;
        if (given != null) {
            JsonNode n = JSON.valueToTree(given);
            if (!n.isObject())
                throw new IllegalArgumentException("parameter output_config must be a JSON object, not " + n);
            config = ((ObjectNode) n).deepCopy();
        }
        JsonNode schema = jsonSchema(params);
        if (structuredOutputs && schema != null && !SchemaCycles.recursive(schema)) {
            if (config == null) config = JSON.createObjectNode();
            ObjectNode format = config.putObject("format");
            format.put("type", "json_schema");
            format.set("schema", schema);
        }
        return config;
    }

    /** The schema of a {@code {"type":"json_schema","json_schema":{"schema":...}}} response format, or null. */
    static JsonNode jsonSchema(Map<String, Object> params) {
        Object rf = params.get("response_format");
        if (rf == null) return null;
        JsonNode n = JSON.valueToTree(rf);
        if (!"json_schema".equals(n.path("type").asText())) return null;
        JsonNode schema = n.path("json_schema").path("schema");
        return schema.isObject() ? schema : null;
    }

    static LmResponse parse(JsonNode root, AnthropicChat lm) {
        JsonNode content = root.path("content");
        if (!content.isArray()) throw lm.malformed("the response has no \"content\" list");
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<Citation> citations = new ArrayList<>();
        for (JsonNode block : content) {
            String type = block.path("type").asText("");
            if (type.equals("text")) {
                String t = block.path("text").asText("");
                text.append(t);
                for (JsonNode c : block.path("citations")) citations.add(citation(c, t));
            } else if (type.equals("tool_use")) {
                JsonNode input = block.path("input");
                calls.add(new ToolCall(
                        block.path("id").asText(""),
                        block.path("name").asText("tool"),
                        input.isMissingNode() || input.isNull() ? "{}" : input.toString()));
            }
        }
        String stop =
                root.path("stop_reason").isTextual() ? root.path("stop_reason").asText() : null;
        if ("pause_turn".equals(stop)) {
            throw lm.pausedTurn(text.length());
        }
        String refusal = "refusal".equals(stop) ? text.toString() : null;
        Completion c = new Completion(text.toString(), stop, calls, refusal, citations);
        JsonNode u = root.path("usage");
        long written = u.path("cache_creation_input_tokens").asLong(0);
        long read = u.path("cache_read_input_tokens").asLong(0);
        long input = u.path("input_tokens").asLong(0) + written + read;
        Usage usage = new Usage(input, u.path("output_tokens").asLong(0), read, written, 0);
        JsonNode model = root.path("model");
        return new LmResponse(List.of(c), usage, model.isTextual() ? model.asText() : null, false);
    }

    private static Citation citation(JsonNode c, String supported) {
        String type = c.path("type").asText("");
        long start = -1;
        long end = -1;
        switch (type) {
            case "char_location" -> {
                start = c.path("start_char_index").asLong(-1);
                end = c.path("end_char_index").asLong(-1);
            }
            case "page_location" -> {
                start = c.path("start_page_number").asLong(-1);
                end = c.path("end_page_number").asLong(-1);
            }
            case "content_block_location", "search_result_location" -> {
                start = c.path("start_block_index").asLong(-1);
                end = c.path("end_block_index").asLong(-1);
            }
            default -> {}
        }
        int index = c.has("document_index")
                ? c.path("document_index").asInt(-1)
                : c.path("search_result_index").asInt(-1);
        String title = c.path("document_title").isTextual()
                ? c.path("document_title").asText()
                : c.path("title").isTextual() ? c.path("title").asText() : null;
        String url = c.path("url").isTextual()
                ? c.path("url").asText()
                : c.path("source").isTextual() ? c.path("source").asText() : null;
        return new Citation(type, c.path("cited_text").asText(""), index, title, url, start, end, supported);
    }
}
