package dev.dspy4j.lm.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.http.ProviderMedia;
import dev.dspy4j.lm.http.SchemaCycles;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Role;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes Gemini {@code generateContent} requests (the response side is {@link GeminiResponses}).
 *
 * <p>Shape: {@code {"contents":[{"role":"user"|"model","parts":[...]}],
 * "systemInstruction":{"parts":[{"text":...}]}, "generationConfig":{...}, "tools":[...],
 * "toolConfig":{...}, "safetySettings":[...]}}. Parts: {@code {"text":...}};
 * {@code {"inline_data":{"mime_type":...,"data":"<base64>"}}} for images, audio, video and PDFs
 * (base64 encoded from the payload while the body is written); {@code {"file_data":{"mime_type":...,
 * "file_uri":...}}} for a payload uploaded through the Files API, a {@code File} given by id (a Files
 * API URI) and a remote image URL. Text files and text documents are text parts headed by their name
 * or title. Field names follow Google's REST guides (the API reads snake_case and camelCase alike).
 *
 * <p>Parameters, given in the library's (OpenAI) names, are mapped: {@code temperature},
 * {@code top_p}→{@code topP}, {@code top_k}→{@code topK}, {@code max_tokens} and
 * {@code max_completion_tokens}→{@code maxOutputTokens}, {@code stop}→{@code stopSequences},
 * {@code n}→{@code candidateCount}, {@code seed}, {@code presence_penalty}, {@code frequency_penalty},
 * {@code response_format} (a JSON schema→{@code responseMimeType: application/json} and
 * {@code responseJsonSchema}, a recursive one with its cycles made optional as Gemini requires, see
 * {@link SchemaCycles}; {@code json_object}→{@code responseMimeType} only), {@code tools}
 * (function tools→{@code functionDeclarations} with {@code parametersJsonSchema}) and
 * {@code tool_choice} ({@code auto|none|required}→{@code functionCallingConfig.mode}
 * {@code AUTO|NONE|ANY}). Gemini's own generation-config names ({@code responseSchema},
 * {@code responseJsonSchema}, {@code responseMimeType}, {@code thinkingConfig}, {@code topK}, ...)
 * go into {@code generationConfig} as given, and {@code safetySettings}, {@code toolConfig},
 * {@code cachedContent} to the top level. Any other parameter is refused.
 */
final class GeminiCodec {
    private GeminiCodec() {}

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "the Gemini API";

    /** Library (OpenAI) parameter names and their generationConfig names. */
    private static final Map<String, String> MAPPED = Map.of(
            "temperature",
            "temperature",
            "top_p",
            "topP",
            "top_k",
            "topK",
            "seed",
            "seed",
            "presence_penalty",
            "presencePenalty",
            "frequency_penalty",
            "frequencyPenalty",
            "max_tokens",
            "maxOutputTokens",
            "max_completion_tokens",
            "maxOutputTokens");

    /** Gemini generationConfig fields passed as given. */
    static final Set<String> GENERATION_CONFIG = Set.of(
            "temperature",
            "topP",
            "topK",
            "candidateCount",
            "maxOutputTokens",
            "stopSequences",
            "seed",
            "presencePenalty",
            "frequencyPenalty",
            "responseMimeType",
            "responseSchema",
            "responseJsonSchema",
            "responseModalities",
            "responseLogprobs",
            "logprobs",
            "thinkingConfig",
            "mediaResolution",
            "speechConfig",
            "enableEnhancedCivicAnswers");

    /** Gemini top-level request fields passed as given. */
    static final Set<String> TOP_LEVEL = Set.of("safetySettings", "toolConfig", "cachedContent");

    /** Handled elsewhere or not request fields. */
    private static final Set<String> SPECIAL =
            Set.of("stop", "n", "response_format", "tools", "tool_choice", "parallel_tool_calls", "stream");

    /** Image types Gemini takes inline (Gemini's image understanding guide). */
    static final List<MediaType> IMAGE_TYPES =
            List.of(MediaType.PNG, MediaType.JPEG, MediaType.WEBP, MediaType.HEIC, MediaType.HEIF);
    /** Audio types (Gemini's audio guide); MP3 goes as {@code audio/mp3}. */
    static final List<MediaType> AUDIO_TYPES = List.of(
            MediaType.WAV, MediaType.MP3, MediaType.of("audio/aiff"), MediaType.AAC, MediaType.OGG, MediaType.FLAC);
    /** Video types (Gemini's video guide); QuickTime goes as {@code video/mov}. */
    static final List<MediaType> VIDEO_TYPES = List.of(
            MediaType.MP4,
            MediaType.of("video/mpeg"),
            MediaType.MOV,
            MediaType.of("video/avi"),
            MediaType.of("video/x-flv"),
            MediaType.of("video/mpg"),
            MediaType.WEBM_VIDEO,
            MediaType.of("video/wmv"),
            MediaType.of("video/3gpp"));

    /** The type name sent for a media type: Gemini's documented spelling where it differs. */
    static String wireType(MediaType t) {
        return switch (t.value()) {
            case "audio/mpeg" -> "audio/mp3";
            case "video/quicktime" -> "video/mov";
            default -> t.value();
        };
    }

    /**
     * Refuses, before anything is sent: media in a system message, media types Gemini does not take,
     * and unknown parameters.
     *
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    static void check(LmRequest request) {
        for (Message m : request.prompt().messages()) {
            if (m.role() == Role.SYSTEM && !m.isText()) {
                throw new IllegalArgumentException(
                        "Gemini system instructions hold text only here, but a system message holds "
                                + m.parts().size() + " parts including media; put media in a user message");
            }
            for (Part p : m.parts()) {
                Payload payload = p.media() == null ? null : p.media().payload();
                if (payload == null) continue;
                MediaType t = payload.mediaType();
                if (p instanceof Part.ImagePart || (p instanceof Part.FilePart && t.isImage())) {
                    accept("image " + payload.describe(), t, IMAGE_TYPES, "images");
                } else if (p instanceof Part.AudioPart) {
                    accept("audio " + payload.describe(), t, AUDIO_TYPES, "audio");
                } else if (p instanceof Part.VideoPart) {
                    accept("video " + payload.describe(), t, VIDEO_TYPES, "video");
                } else if (p instanceof Part.FilePart fp
                        && !t.equals(MediaType.PDF)
                        && !t.isText()
                        && !t.isAudio()
                        && !t.isVideo()) {
                    throw new IllegalArgumentException("file " + fp.file().filename() + " is " + t + "; " + API
                            + " takes files that are PDF, images, audio, video or text");
                } else if (p instanceof Part.FilePart && (t.isAudio() || t.isVideo())) {
                    accept("file " + payload.describe(), t, t.isAudio() ? AUDIO_TYPES : VIDEO_TYPES, t.type());
                }
            }
        }
        for (String name : request.params().keySet()) {
            if (!MAPPED.containsKey(name)
                    && !GENERATION_CONFIG.contains(name)
                    && !TOP_LEVEL.contains(name)
                    && !SPECIAL.contains(name)) {
                throw new IllegalArgumentException("parameter '" + name + "' is not one " + API + " takes; accepted: "
                        + String.join(", ", new java.util.TreeSet<>(MAPPED.keySet()))
                        + ", stop, n, response_format, tools,"
                        + " tool_choice; Gemini's own generationConfig fields "
                        + new java.util.TreeSet<>(GENERATION_CONFIG)
                        + " and top-level fields " + new java.util.TreeSet<>(TOP_LEVEL));
            }
        }
        if (Boolean.TRUE.equals(request.params().get("stream"))) {
            throw new IllegalArgumentException(
                    "parameter stream is not taken: GeminiChat streams (streamGenerateContent) when the call has a"
                            + " stream listener (Module.stream), and the cache key must not depend on it");
        }
    }

    private static void accept(String what, MediaType t, List<MediaType> accepted, String kind) {
        if (!accepted.contains(t)) {
            throw new IllegalArgumentException(what + " is " + t + ", which " + API + " does not take (" + kind + ": "
                    + ProviderMedia.names(accepted) + ")");
        }
    }

    /**
     * Writes the request.
     *
     * @param uploaded the Files API URI of a payload sent by reference, or null to send it inline
     */
    static void write(JsonBody body, LmRequest request, Function<Payload, GeminiFile> uploaded) throws IOException {
        JsonGenerator g = body.json();
        Map<String, Object> params = request.params();
        g.writeStartObject();
        g.writeArrayFieldStart("contents");
        for (Message m : request.prompt().messages()) {
            if (m.role() == Role.SYSTEM) continue;
            g.writeStartObject();
            g.writeStringField("role", m.role() == Role.ASSISTANT ? "model" : "user");
            g.writeArrayFieldStart("parts");
            for (Part p : m.parts()) writePart(body, p, uploaded);
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        StringBuilder system = new StringBuilder();
        for (Message m : request.prompt().messages()) {
            if (m.role() != Role.SYSTEM) continue;
            if (system.length() > 0) system.append("\n\n");
            system.append(m.text());
        }
        if (system.length() > 0) {
            g.writeObjectFieldStart("systemInstruction");
            g.writeArrayFieldStart("parts");
            g.writeStartObject();
            g.writeStringField("text", system.toString());
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        ObjectNode config = generationConfig(request);
        if (!config.isEmpty()) {
            g.writeFieldName("generationConfig");
            g.writeTree(config);
        }
        GeminiTools.write(g, params);
        for (String name : TOP_LEVEL) {
            if (params.containsKey(name)) {
                g.writeFieldName(name);
                g.writeObject(params.get(name));
            }
        }
        g.writeEndObject();
    }

    static ObjectNode generationConfig(LmRequest request) {
        Map<String, Object> params = request.params();
        ObjectNode c = JSON.createObjectNode();
        for (Map.Entry<String, Object> p : params.entrySet()) {
            String mapped = MAPPED.get(p.getKey());
            if (mapped == null) continue;
            // max_tokens wins over max_completion_tokens when both are set
            if (p.getKey().equals("max_completion_tokens") && params.containsKey("max_tokens")) continue;
            c.set(mapped, JSON.valueToTree(p.getValue()));
        }
        Object stop = params.get("stop");
        if (stop != null) {
            ArrayNode a = JSON.createArrayNode();
            if (stop instanceof CharSequence s) a.add(s.toString());
            else a.addAll((ArrayNode) requireArray("stop", JSON.valueToTree(stop)));
            c.set("stopSequences", a);
        }
        if (request.n() > 1) c.put("candidateCount", request.n());
        Object rf = params.get("response_format");
        if (rf != null) {
            JsonNode f = JSON.valueToTree(rf);
            String type = f.path("type").asText("");
            switch (type) {
                case "json_schema" -> {
                    c.put("responseMimeType", "application/json");
                    JsonNode schema = f.path("json_schema").path("schema");
                    if (!schema.isObject()) {
                        throw new IllegalArgumentException("parameter response_format: a json_schema format needs"
                                + " json_schema.schema (an object), not " + f);
                    }
                    c.set("responseJsonSchema", SchemaCycles.cyclesOptional(schema));
                }
                case "json_object" -> c.put("responseMimeType", "application/json");
                case "text" -> c.put("responseMimeType", "text/plain");
                default ->
                    throw new IllegalArgumentException("parameter response_format has type '" + type
                            + "'; accepted: json_schema, json_object or text");
            }
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (GENERATION_CONFIG.contains(p.getKey()) && !MAPPED.containsKey(p.getKey())) {
                c.set(p.getKey(), JSON.valueToTree(p.getValue()));
            }
        }
        if (c.has("responseSchema") && c.has("responseJsonSchema")) {
            // both can arrive when a caller's responseSchema meets the adapter's response_format: Gemini takes one
            c.remove("responseJsonSchema");
        }
        return c;
    }

    private static JsonNode requireArray(String name, JsonNode n) {
        if (!n.isArray())
            throw new IllegalArgumentException("parameter " + name + " must be a string or a list, not " + n);
        return n;
    }

    private static void writePart(JsonBody body, Part part, Function<Payload, GeminiFile> uploaded) throws IOException {
        JsonGenerator g = body.json();
        if (part instanceof Part.Text t) {
            g.writeStartObject();
            g.writeStringField("text", t.text());
            g.writeEndObject();
            return;
        }
        if (part instanceof Part.ImagePart ip && ip.image().isRemote()) {
            fileData(g, null, ip.image().url().toString());
            return;
        }
        if (part instanceof Part.FilePart fp && fp.file().payload() == null) {
            File f = fp.file();
            fileData(g, f.idType() == null ? null : wireType(f.idType()), f.fileId());
            return;
        }
        Payload p = part.media().payload();
        MediaType t = p.mediaType();
        if (t.isText()) {
            String heading;
            if (part instanceof Part.DocumentPart dp) {
                heading = textDocumentHeading(dp.document());
            } else {
                heading = "File: " + ((Part.FilePart) part).file().filename() + "\n\n";
            }
            g.writeStartObject();
            g.writeFieldName("text");
            body.utf8String(heading, p);
            g.writeEndObject();
            return;
        }
        GeminiFile file = uploaded.apply(p);
        if (file != null) {
            fileData(g, file.mimeType() != null ? file.mimeType() : wireType(t), file.uri());
            return;
        }
        g.writeStartObject();
        g.writeObjectFieldStart("inline_data");
        g.writeStringField("mime_type", wireType(t));
        body.base64Field("data", "", p);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void fileData(JsonGenerator g, String mimeType, String uri) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("file_data");
        if (mimeType != null) g.writeStringField("mime_type", mimeType);
        g.writeStringField("file_uri", uri);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The lines sent before a text document's text: its title and context, then a blank line (or nothing). */
    static String textDocumentHeading(Document d) {
        StringBuilder sb = new StringBuilder();
        if (d.title() != null && !d.title().isEmpty())
            sb.append("Document: ").append(d.title()).append('\n');
        if (d.context() != null && !d.context().isEmpty())
            sb.append(d.context()).append('\n');
        if (sb.length() > 0) sb.append('\n');
        return sb.toString();
    }
}
