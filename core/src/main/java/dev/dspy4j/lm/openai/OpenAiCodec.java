package dev.dspy4j.lm.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ToolCall;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.http.ProviderMedia;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes chat-completions requests and reads their responses.
 *
 * <p>Wire shapes: a message that is a single text part has a plain string {@code content}; other
 * messages have a list of parts: text {@code {"type":"text","text":...}}; image
 * {@code {"type":"image_url","image_url":{"url":"data:<type>;base64,..."[,"detail":...]}}} (or the
 * remote URL as given); audio {@code {"type":"input_audio","input_audio":{"data":"<base64>","format":"wav|mp3"}}};
 * file {@code {"type":"file","file":{"filename":...,"file_data":"data:<type>;base64,..."}}} (PDF only) or
 * {@code {"type":"file","file":{"file_id":...}}}; a {@code File} holding an image goes as an image part,
 * one holding text as a text part headed {@code File: <name>} and a blank line. A {@link Document} goes as a file part when it is a
 * PDF (file name: its title, else {@code document.pdf}) and as a text part when it is plain text
 * (its title and context, if any, on lines before the text); the chat-completions API has no
 * document part and no citations, so the citations flag is not sent.
 */
final class OpenAiCodec {
    private OpenAiCodec() {}

    /** Parameters that are not passed through as top-level fields. */
    private static final Set<String> RESERVED = Set.of("model", "messages", "stream", "stream_options");

    static void write(JsonBody body, String model, LmRequest request) throws IOException {
        write(body, model, request, false, p -> null);
    }

    /**
     * Writes the request; {@code stream} adds {@code "stream":true} and {@code stream_options.include_usage}.
     *
     * @param uploaded the file id of a PDF sent by reference ({@code {"type":"file","file":{"file_id":...}}}),
     *                 or null to send it inline; asked for PDFs only, every time the body is written
     */
    static void write(
            JsonBody body,
            String model,
            LmRequest request,
            boolean stream,
            java.util.function.Function<Payload, String> uploaded)
            throws IOException {
        JsonGenerator g = body.json();
        boolean reasoning = isReasoningModel(model);
        Map<String, Object> params = request.params();
        g.writeStartObject();
        g.writeStringField("model", model);
        if (stream) {
            g.writeBooleanField("stream", true);
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
        }
        for (Map.Entry<String, Object> p : params.entrySet()) {
            String name = p.getKey();
            if (RESERVED.contains(name)) continue;
            if (name.equals("n") && request.n() > 1) continue;
            if (reasoning && name.equals("max_tokens")) {
                if (params.containsKey("max_completion_tokens")) continue;
                name = "max_completion_tokens";
            }
            if (reasoning && droppedForReasoning(name, p.getValue())) continue;
            g.writeFieldName(name);
            g.writeObject(p.getValue());
        }
        if (request.n() > 1) g.writeNumberField("n", request.n());
        g.writeArrayFieldStart("messages");
        for (Message m : request.prompt().messages()) {
            body.message(m, (b, part) -> writePart(b, part, uploaded));
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * True for OpenAI's reasoning models, the o-series ({@code o1}, {@code o3-mini}, {@code o4-mini},
     * ...) and the gpt-5 family except its {@code -chat} models; a {@code provider/} prefix is ignored,
     * and a fine-tuned model ({@code ft:o4-mini-2025-04-16:org::id}) is judged by its base model.
     */
    static boolean isReasoningModel(String model) {
        String m = model.substring(model.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
        // a fine-tuned model, ft:<base>:<org>:<name>:<id>, is of its base model's family
        if (m.startsWith("ft:")) m = m.substring(3);
        if (m.matches("o\\d+(-.*)?")) return true;
        return m.startsWith("gpt-5") && !m.contains("-chat");
    }

    /**
     * Whether a parameter is left out for a reasoning model: a {@code temperature} or {@code top_p}
     * other than 1 (the only value those models take).
     */
    static boolean droppedForReasoning(String name, Object value) {
        if (!name.equals("temperature") && !name.equals("top_p")) return false;
        return !(value instanceof Number n && n.doubleValue() == 1.0);
    }

    /** The chat-completions audio formats (input_audio.format). */
    static final List<String> AUDIO_FORMATS = List.of("wav", "mp3");
    /** OpenAI's image detail levels. */
    static final List<String> DETAILS = List.of("auto", "low", "high");

    private static final String API = "OpenAI chat completions";

    /**
     * Refuses, before anything is sent, media chat completions cannot take: an image type other than
     * PNG, JPEG, GIF or WebP; a detail other than auto, low or high; audio other than WAV or MP3; a
     * {@code File} that is neither a PDF, an image nor text; a file id whose known type is not PDF.
     *
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    static void check(LmRequest request) {
        for (Message m : request.prompt().messages()) {
            for (Part part : m.parts()) {
                if (part instanceof Part.VideoPart vp) ProviderMedia.refuseVideo(vp.video(), API);
                if (part instanceof Part.ImagePart ip) {
                    Image img = ip.image();
                    String what = "image "
                            + (img.isRemote() ? img.url() : img.payload().describe());
                    if (!img.isRemote()) ProviderMedia.checkImage(what, img.payload(), API);
                    if (img.detail() != null && !DETAILS.contains(img.detail())) {
                        throw new IllegalArgumentException(what + " has detail '" + img.detail() + "'; " + API
                                + " take detail " + ProviderMedia.names(DETAILS));
                    }
                } else if (part instanceof Part.AudioPart ap) {
                    Audio a = ap.audio();
                    if (!AUDIO_FORMATS.contains(a.format())) {
                        throw new IllegalArgumentException(
                                "audio " + a.payload().describe() + " is "
                                        + a.payload().mediaType() + "; " + API + " take audio in format "
                                        + ProviderMedia.names(AUDIO_FORMATS) + " (audio/wav or audio/mpeg)");
                    }
                } else if (part instanceof Part.FilePart fp
                        && fp.file().idType() != null
                        && !fp.file().idType().equals(MediaType.PDF)) {
                    File f = fp.file();
                    throw new IllegalArgumentException("file id " + f.fileId() + " is " + f.idType() + "; " + API
                            + " take a file id only for a PDF (application/pdf); send an image's or a text file's bytes"
                            + " instead (File.of), which go as image or text parts");
                } else if (part instanceof Part.FilePart fp && fp.file().payload() != null) {
                    File f = fp.file();
                    MediaType t = f.payload().mediaType();
                    if (t.isImage()) {
                        ProviderMedia.checkImage("file " + f.filename(), f.payload(), API);
                    } else if (!t.equals(MediaType.PDF) && !t.isText()) {
                        throw new IllegalArgumentException("file " + f.filename() + " is " + t + "; " + API
                                + " take files that are PDF (application/pdf), images ("
                                + ProviderMedia.names(ProviderMedia.IMAGE_TYPES) + ", sent as image parts) or text"
                                + " (text/..., application/json, application/xml, sent as text parts)");
                    }
                }
            }
        }
    }

    private static void writePart(JsonBody body, Part part, java.util.function.Function<Payload, String> uploaded)
            throws IOException {
        JsonGenerator g = body.json();
        g.writeStartObject();
        if (part instanceof Part.Text t) {
            g.writeStringField("type", "text");
            g.writeStringField("text", t.text());
        } else if (part instanceof Part.ImagePart ip) {
            Image img = ip.image();
            g.writeStringField("type", "image_url");
            g.writeObjectFieldStart("image_url");
            if (img.isRemote()) {
                g.writeStringField("url", img.url().toString());
            } else {
                body.base64Field("url", dataUriPrefix(img.payload()), img.payload());
            }
            if (img.detail() != null) g.writeStringField("detail", img.detail());
            g.writeEndObject();
        } else if (part instanceof Part.AudioPart ap) {
            Audio a = ap.audio();
            g.writeStringField("type", "input_audio");
            g.writeObjectFieldStart("input_audio");
            body.base64Field("data", "", a.payload());
            g.writeStringField("format", a.format());
            g.writeEndObject();
        } else if (part instanceof Part.FilePart fp) {
            File f = fp.file();
            MediaType t = f.payload() == null ? null : f.payload().mediaType();
            if (t != null && t.isImage()) {
                // chat completions take only PDFs as file parts: an image file goes as an image
                g.writeStringField("type", "image_url");
                g.writeObjectFieldStart("image_url");
                body.base64Field("url", dataUriPrefix(f.payload()), f.payload());
                g.writeEndObject();
            } else if (t != null && t.isText()) {
                g.writeStringField("type", "text");
                g.writeFieldName("text");
                body.utf8String("File: " + f.filename() + "\n\n", f.payload());
            } else {
                g.writeStringField("type", "file");
                g.writeObjectFieldStart("file");
                String id = f.payload() == null ? f.fileId() : uploaded.apply(f.payload());
                if (id != null) {
                    g.writeStringField("file_id", id);
                } else {
                    g.writeStringField("filename", f.filename() == null ? "file" : f.filename());
                    body.base64Field("file_data", dataUriPrefix(f.payload()), f.payload());
                }
                g.writeEndObject();
            }
        } else if (part instanceof Part.DocumentPart dp) {
            Document d = dp.document();
            if (d.payload().mediaType().equals(MediaType.PDF)) {
                g.writeStringField("type", "file");
                g.writeObjectFieldStart("file");
                String id = uploaded.apply(d.payload());
                if (id != null) {
                    g.writeStringField("file_id", id);
                } else {
                    g.writeStringField("filename", pdfName(d.title()));
                    body.base64Field("file_data", dataUriPrefix(d.payload()), d.payload());
                }
                g.writeEndObject();
            } else {
                g.writeStringField("type", "text");
                g.writeFieldName("text");
                body.utf8String(textDocumentHeading(d), d.payload());
            }
        } else {
            throw new IllegalArgumentException("unknown part " + part.getClass().getName());
        }
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

    private static String pdfName(String title) {
        if (title == null || title.isBlank()) return "document.pdf";
        return title.toLowerCase(java.util.Locale.ROOT).endsWith(".pdf") ? title : title + ".pdf";
    }

    static String dataUriPrefix(Payload p) {
        return "data:" + p.mediaType().value() + ";base64,";
    }

    /** Reads a chat completion; {@code malformed} makes the error for a body that is not one. */
    static LmResponse parse(JsonNode root, java.util.function.Function<String, RuntimeException> malformed) {
        JsonNode choices = root.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            throw malformed.apply("the response has no \"choices\"");
        }
        List<JsonNode> sorted = new ArrayList<>();
        choices.forEach(sorted::add);
        sorted.sort(Comparator.comparingInt(c -> c.path("index").asInt(0)));
        List<Completion> out = new ArrayList<>(sorted.size());
        for (JsonNode c : sorted) {
            JsonNode message = c.path("message");
            if (!message.isObject()) throw malformed.apply("a choice has no \"message\" object");
            out.add(new Completion(
                    content(message.path("content")),
                    textOrNull(c.path("finish_reason")),
                    toolCalls(message.path("tool_calls")),
                    refusal(message),
                    List.of()));
        }
        JsonNode u = root.path("usage");
        Usage usage = new Usage(
                u.path("prompt_tokens").asLong(0),
                u.path("completion_tokens").asLong(0),
                u.path("prompt_tokens_details").path("cached_tokens").asLong(0),
                0,
                u.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
        return new LmResponse(out, usage, textOrNull(root.path("model")), false);
    }

    /**
     * The message's {@code refusal}, or the text of its {@code {"type":"refusal"}} content parts; null
     * if none, or if the {@code refusal} field is empty or blank.
     */
    private static String refusal(JsonNode message) {
        // some compatible servers send "refusal": "" beside an answer; a refusal has text
        String r = textOrNull(message.path("refusal"));
        if (r != null && r.isBlank()) r = null;
        if (r != null || !message.path("content").isArray()) return r;
        StringBuilder sb = null;
        for (JsonNode part : message.path("content")) {
            if ("refusal".equals(part.path("type").asText())
                    && part.path("refusal").isTextual()) {
                if (sb == null) sb = new StringBuilder();
                sb.append(part.path("refusal").asText());
            }
        }
        return sb == null ? null : sb.toString();
    }

    private static String content(JsonNode content) {
        if (content.isTextual()) return content.asText();
        if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : content) {
                if (part.isTextual()) sb.append(part.asText());
                else if (!"refusal".equals(part.path("type").asText())
                        && part.path("text").isTextual()) {
                    sb.append(part.path("text").asText()); // a refusal part's text is not the answer
                }
            }
            return sb.toString();
        }
        return "";
    }

    private static List<ToolCall> toolCalls(JsonNode calls) {
        if (!calls.isArray()) return List.of();
        List<ToolCall> out = new ArrayList<>();
        for (JsonNode tc : calls) {
            JsonNode fn = tc.path("function");
            String name = textOrNull(fn.path("name"));
            if (name == null) continue;
            JsonNode args = fn.path("arguments");
            String json =
                    args.isTextual() ? args.asText() : args.isMissingNode() || args.isNull() ? "{}" : args.toString();
            out.add(new ToolCall(textOrNull(tc.path("id")), name, json));
        }
        return out;
    }

    private static String textOrNull(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }
}
