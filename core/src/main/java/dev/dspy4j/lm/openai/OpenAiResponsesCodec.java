package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.http.ProviderMedia;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Role;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes OpenAI Responses API requests ({@code POST /v1/responses}); the response side is
 * {@link OpenAiResponsesReader}.
 *
 * <p>Shape: {@code {"model":...,"instructions":"<system messages, joined by blank lines>",
 * "input":[{"role":"user"|"assistant","content":...}],...}}. A message that is a single text part has a
 * plain string {@code content}; other user messages a list of parts: {@code {"type":"input_text","text":...}};
 * {@code {"type":"input_image","image_url":"data:<type>;base64,..."[,"detail":...]}} (the remote URL as
 * given, or {@code "file_id"} for an uploaded payload or an image {@code File} id); a PDF (a PDF
 * {@code File} or {@code Document}) {@code {"type":"input_file","filename":...,"file_data":"data:application/pdf;base64,..."}}
 * or {@code {"type":"input_file","file_id":...}}; a text file or text document an {@code input_text}
 * headed by its name or title. Base64 is encoded from the payload's bytes while the body is written.
 *
 * <p>Parameters, given in the library's (chat completions) names, are mapped: {@code max_output_tokens},
 * else {@code max_completion_tokens}, else {@code max_tokens} → {@code max_output_tokens};
 * {@code response_format} → {@code text.format} ({@code json_schema} with its {@code name},
 * {@code schema}, {@code strict} and {@code description} moved up a level; {@code json_object};
 * {@code text}), merged into a {@code text} object given as is (e.g. {@code verbosity});
 * {@code reasoning_effort} → {@code reasoning.effort}, merged into a {@code reasoning} object given as is;
 * function {@code tools} {@code {"type":"function","function":{...}}} → {@code {"type":"function","name",
 * "description","parameters"[,"strict"]}} (other tools as given); {@code tool_choice}
 * {@code {"type":"function","function":{"name":N}}} → {@code {"type":"function","name":N}}. Chat-only
 * parameters the endpoint has no field for ({@code stop}, {@code seed}, penalties, {@code logprobs},
 * {@code logit_bias}) are refused; any other parameter is passed through as a top-level field.
 */
final class OpenAiResponsesCodec {
    private OpenAiResponsesCodec() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "the OpenAI Responses API";

    /** Written by the codec itself, never passed through. */
    private static final Set<String> RESERVED = Set.of(
            "model",
            "input",
            "stream",
            "stream_options",
            "n",
            "max_tokens",
            "max_completion_tokens",
            "max_output_tokens",
            "response_format",
            "text",
            "reasoning",
            "reasoning_effort",
            "tools",
            "tool_choice",
            "instructions");

    /** Chat-completions parameters the Responses API has no field for. */
    static final Set<String> CHAT_ONLY = Set.of(
            "stop",
            "seed",
            "presence_penalty",
            "frequency_penalty",
            "logprobs",
            "logit_bias",
            "messages",
            "modalities",
            "audio",
            "prediction",
            "web_search_options",
            "function_call",
            "functions");

    /**
     * Refuses, before anything is sent: audio and video (no such input here), media in system or
     * assistant messages, image types other than PNG, JPEG, GIF or WebP, an image detail other than auto,
     * low or high, a {@code File} that is neither a PDF, an image nor text, a file id of another type,
     * and chat-only parameters.
     *
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    static void check(LmRequest request) {
        for (Message m : request.prompt().messages()) {
            if (m.role() != Role.USER && !m.isText()) {
                throw new IllegalArgumentException(API + " takes "
                        + (m.role() == Role.SYSTEM ? "system messages (instructions)" : "assistant messages")
                        + " as text only, but a "
                        + m.role().wireName() + " message holds " + m.parts().size() + " parts including media;"
                        + " put media in a user message");
            }
            for (Part part : m.parts()) checkPart(part);
        }
        for (String name : request.params().keySet()) {
            if (CHAT_ONLY.contains(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' is a chat-completions parameter " + API
                        + " has no field for; remove it, or use OpenAiChat (POST /chat/completions). " + API
                        + " takes max_output_tokens (or max_tokens), temperature, top_p, response_format, reasoning_effort,"
                        + " tools, tool_choice, parallel_tool_calls and its own fields (text, reasoning, store, metadata,"
                        + " truncation, service_tier, ...)");
            }
        }
        boolean hasSystem = request.prompt().messages().stream().anyMatch(m -> m.role() == Role.SYSTEM);
        if (hasSystem && request.params().containsKey("instructions")) {
            throw new IllegalArgumentException("the request has both system messages and an \"instructions\" parameter;"
                    + " use one (system messages are sent as instructions)");
        }
    }

    private static void checkPart(Part part) {
        if (part instanceof Part.AudioPart ap) {
            throw new IllegalArgumentException(
                    "audio " + ap.audio().payload().describe() + " ("
                            + ap.audio().payload().mediaType()
                            + ") cannot be sent: " + API + " takes text, images ("
                            + ProviderMedia.names(ProviderMedia.IMAGE_TYPES)
                            + "), PDF and text files here; send audio through OpenAiChat (input_audio, WAV or MP3) or GeminiChat");
        }
        if (part instanceof Part.VideoPart vp) ProviderMedia.refuseVideo(vp.video(), API);
        if (part instanceof Part.ImagePart ip) {
            Image img = ip.image();
            String what = "image " + (img.isRemote() ? img.url() : img.payload().describe());
            if (!img.isRemote()) ProviderMedia.checkImage(what, img.payload(), API);
            if (img.detail() != null && !OpenAiCodec.DETAILS.contains(img.detail())) {
                throw new IllegalArgumentException(what + " has detail '" + img.detail() + "'; " + API
                        + " takes detail " + ProviderMedia.names(OpenAiCodec.DETAILS));
            }
        } else if (part instanceof Part.FilePart fp) {
            File f = fp.file();
            MediaType t = f.payload() != null ? f.payload().mediaType() : f.idType();
            if (t == null) return; // an id of unknown type goes as input_file
            if (t.isImage()) {
                if (!ProviderMedia.isAcceptedImage(t)) {
                    throw new IllegalArgumentException("file " + (f.payload() != null ? f.filename() : f.fileId())
                            + " is " + t + ", which " + API + " does not take (images: "
                            + ProviderMedia.names(ProviderMedia.IMAGE_TYPES) + ")");
                }
            } else if (f.payload() == null && !t.equals(MediaType.PDF)) {
                throw new IllegalArgumentException(
                        "file id " + f.fileId() + " is " + t + "; " + API + " takes a file id"
                                + " for a PDF (input_file) or an image (input_image); send a text file's bytes instead (File.of)");
            } else if (!t.equals(MediaType.PDF) && !t.isText()) {
                throw new IllegalArgumentException(
                        "file " + f.filename() + " is " + t + "; " + API + " takes files that are"
                                + " PDF (application/pdf, as input_file), images ("
                                + ProviderMedia.names(ProviderMedia.IMAGE_TYPES)
                                + ", as input_image) or text (text/..., application/json, application/xml, as input_text)");
            }
        }
    }

    /**
     * Writes the request.
     *
     * @param stream   adds {@code "stream":true}
     * @param uploaded the provider file id of a payload sent by reference (an image or a PDF), or null to
     *                 send it inline; called for each such part every time the body is written (a length-counting
     *                 pass, then each attempt), so it must answer the same each time and be cheap after the first
     */
    static void write(
            JsonBody body, String model, LmRequest request, boolean stream, Function<Payload, String> uploaded)
            throws IOException {
        JsonGenerator g = body.json();
        Map<String, Object> params = request.params();
        boolean reasoningModel = OpenAiCodec.isReasoningModel(model);
        g.writeStartObject();
        g.writeStringField("model", model);
        if (stream) g.writeBooleanField("stream", true);
        String instructions = instructions(request);
        if (instructions != null) {
            g.writeStringField("instructions", instructions);
        } else if (params.containsKey("instructions")) {
            g.writeFieldName("instructions");
            g.writeObject(params.get("instructions"));
        }
        Object maxTokens = params.containsKey("max_output_tokens")
                ? params.get("max_output_tokens")
                : params.containsKey("max_completion_tokens")
                        ? params.get("max_completion_tokens")
                        : params.get("max_tokens");
        if (maxTokens != null) {
            g.writeFieldName("max_output_tokens");
            g.writeObject(maxTokens);
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            String name = p.getKey();
            if (RESERVED.contains(name) || CHAT_ONLY.contains(name)) continue;
            if (reasoningModel && OpenAiCodec.droppedForReasoning(name, p.getValue())) continue;
            g.writeFieldName(name);
            g.writeObject(p.getValue());
        }
        ObjectNode reasoning = reasoning(params);
        if (reasoning != null) {
            g.writeFieldName("reasoning");
            g.writeTree(reasoning);
        }
        ObjectNode text = text(params);
        if (text != null) {
            g.writeFieldName("text");
            g.writeTree(text);
        }
        writeTools(g, params);
        g.writeArrayFieldStart("input");
        for (Message m : request.prompt().messages()) {
            if (m.role() == Role.SYSTEM) continue;
            body.message(m, (b, part) -> writePart(b, part, uploaded));
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The system messages' text joined by blank lines, or null if there is none. */
    static String instructions(LmRequest request) {
        StringBuilder sb = null;
        for (Message m : request.prompt().messages()) {
            if (m.role() != Role.SYSTEM) continue;
            if (sb == null) sb = new StringBuilder();
            else sb.append("\n\n");
            sb.append(m.text());
        }
        return sb == null ? null : sb.toString();
    }

    /** {@code reasoning}: a given object, with {@code reasoning_effort} as its {@code effort}; null if neither. */
    static ObjectNode reasoning(Map<String, Object> params) {
        ObjectNode out = object("reasoning", params.get("reasoning"));
        Object effort = params.get("reasoning_effort");
        if (effort != null) {
            if (out == null) out = JSON.createObjectNode();
            out.set("effort", JSON.valueToTree(effort));
        }
        return out;
    }

    /** {@code text}: a given object, with {@code response_format} as its {@code format}; null if neither. */
    static ObjectNode text(Map<String, Object> params) {
        ObjectNode out = object("text", params.get("text"));
        Object rf = params.get("response_format");
        if (rf == null) return out;
        JsonNode f = JSON.valueToTree(rf);
        String type = f.path("type").asText("");
        ObjectNode format = JSON.createObjectNode();
        switch (type) {
            case "json_schema" -> {
                JsonNode js = f.path("json_schema");
                if (!js.path("schema").isObject()) {
                    throw new IllegalArgumentException("parameter response_format: a json_schema format needs"
                            + " json_schema.schema (an object), not " + f);
                }
                format.put("type", "json_schema");
                format.put("name", js.path("name").asText("output"));
                if (js.path("description").isTextual()) format.set("description", js.path("description"));
                format.set("schema", js.path("schema"));
                if (js.has("strict")) format.set("strict", js.path("strict"));
            }
            case "json_object", "text" -> format.put("type", type);
            default ->
                throw new IllegalArgumentException("parameter response_format has type '" + type
                        + "'; accepted: json_schema, json_object or text");
        }
        if (out == null) out = JSON.createObjectNode();
        out.set("format", format);
        return out;
    }

    private static ObjectNode object(String name, Object given) {
        if (given == null) return null;
        JsonNode n = JSON.valueToTree(given);
        if (!n.isObject()) throw new IllegalArgumentException("parameter " + name + " must be a JSON object, not " + n);
        return ((ObjectNode) n).deepCopy();
    }

    /** {@code tools} and {@code tool_choice} in the Responses shape (function tools flattened). */
    static void writeTools(JsonGenerator g, Map<String, Object> params) throws IOException {
        Object tools = params.get("tools");
        if (tools != null) {
            JsonNode list = JSON.valueToTree(tools);
            if (!list.isArray()) throw new IllegalArgumentException("parameter tools must be a list, not " + list);
            ArrayNode out = JSON.createArrayNode();
            for (JsonNode t : list) out.add(tool(t));
            g.writeFieldName("tools");
            g.writeTree(out);
        }
        Object choice = params.get("tool_choice");
        if (choice != null) {
            JsonNode c = JSON.valueToTree(choice);
            if (c.isObject()
                    && "function".equals(c.path("type").asText())
                    && c.path("function").path("name").isTextual()) {
                c = JSON.createObjectNode()
                        .put("type", "function")
                        .put("name", c.path("function").path("name").asText());
            }
            g.writeFieldName("tool_choice");
            g.writeTree(c);
        }
    }

    /** One tool: a chat-shaped function tool flattened; anything else as given. */
    static JsonNode tool(JsonNode t) {
        if (!"function".equals(t.path("type").asText()) || !t.path("function").isObject()) return t;
        JsonNode fn = t.path("function");
        if (!fn.path("name").isTextual()) throw new IllegalArgumentException("a function tool has no name: " + t);
        ObjectNode out = JSON.createObjectNode();
        out.put("type", "function");
        out.put("name", fn.path("name").asText());
        if (fn.path("description").isTextual())
            out.put("description", fn.path("description").asText());
        if (fn.path("parameters").isObject()) out.set("parameters", fn.path("parameters"));
        else out.putObject("parameters").put("type", "object").putObject("properties");
        if (fn.has("strict")) out.set("strict", fn.path("strict"));
        return out;
    }

    private static void writePart(JsonBody body, Part part, Function<Payload, String> uploaded) throws IOException {
        JsonGenerator g = body.json();
        g.writeStartObject();
        if (part instanceof Part.Text t) {
            g.writeStringField("type", "input_text");
            g.writeStringField("text", t.text());
        } else if (part instanceof Part.ImagePart ip) {
            Image img = ip.image();
            g.writeStringField("type", "input_image");
            if (img.isRemote()) g.writeStringField("image_url", img.url().toString());
            else imageSource(body, img.payload(), uploaded);
            if (img.detail() != null) g.writeStringField("detail", img.detail());
        } else if (part instanceof Part.FilePart fp) {
            File f = fp.file();
            if (f.payload() == null) {
                boolean image = f.idType() != null && f.idType().isImage();
                g.writeStringField("type", image ? "input_image" : "input_file");
                g.writeStringField("file_id", f.fileId());
            } else if (f.payload().mediaType().isImage()) {
                g.writeStringField("type", "input_image");
                imageSource(body, f.payload(), uploaded);
            } else if (f.payload().mediaType().isText()) {
                g.writeStringField("type", "input_text");
                g.writeFieldName("text");
                body.utf8String("File: " + f.filename() + "\n\n", f.payload());
            } else {
                inputFile(body, f.payload(), f.filename() == null ? "file.pdf" : f.filename(), uploaded);
            }
        } else if (part instanceof Part.DocumentPart dp) {
            Document d = dp.document();
            if (d.payload().mediaType().equals(MediaType.PDF)) {
                inputFile(body, d.payload(), pdfName(d.title()), uploaded);
            } else {
                g.writeStringField("type", "input_text");
                g.writeFieldName("text");
                body.utf8String(OpenAiCodec.textDocumentHeading(d), d.payload());
            }
        } else {
            throw new IllegalArgumentException(
                    API + " cannot take a " + part.getClass().getSimpleName());
        }
        g.writeEndObject();
    }

    private static void imageSource(JsonBody body, Payload p, Function<Payload, String> uploaded) throws IOException {
        String id = uploaded.apply(p);
        if (id != null) body.json().writeStringField("file_id", id);
        else body.base64Field("image_url", OpenAiCodec.dataUriPrefix(p), p);
    }

    private static void inputFile(JsonBody body, Payload p, String filename, Function<Payload, String> uploaded)
            throws IOException {
        JsonGenerator g = body.json();
        g.writeStringField("type", "input_file");
        String id = uploaded.apply(p);
        if (id != null) {
            g.writeStringField("file_id", id);
        } else {
            g.writeStringField("filename", filename);
            body.base64Field("file_data", OpenAiCodec.dataUriPrefix(p), p);
        }
    }

    private static String pdfName(String title) {
        if (title == null || title.isBlank()) return "document.pdf";
        return title.toLowerCase(java.util.Locale.ROOT).endsWith(".pdf") ? title : title + ".pdf";
    }
}
