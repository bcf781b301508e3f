package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.lm.http.ProviderMedia;
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
 * Checks and writes Messages API requests ({@link AnthropicBlocks} writes each content block,
 * {@link AnthropicTools} the tools, {@link AnthropicStructuredOutputs} the {@code output_config};
 * {@link AnthropicResponses} reads the answers).
 *
 * <p>System messages become the top-level {@code system} string (joined by blank lines). Other
 * messages: a single text part is a plain string {@code content}; otherwise a list of blocks: text
 * {@code {"type":"text","text":...}}; image
 * {@code {"type":"image","source":{"type":"base64","media_type":...,"data":...}}} or
 * {@code {"source":{"type":"url","url":...}}}; a PDF document
 * {@code {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":...}}} and a
 * text document {@code {"type":"document","source":{"type":"text","media_type":"text/plain","data":"<text>"}}},
 * each with {@code title}, {@code context} and {@code "citations":{"enabled":true}} when set. A
 * {@link dev.dspy4j.media.File} with bytes is sent as the block its type calls for (image, PDF or text document,
 * titled by its file name); a Files API id as {@code "source":{"type":"file","file_id":...}} in an image
 * block when its type is an image, else in a document block.
 *
 * <p>Parameters: {@code max_tokens} is required (the request's {@code max_tokens}, else its
 * {@code max_completion_tokens}, else the builder's default); {@code stop} becomes
 * {@code stop_sequences}; {@code n}, {@code seed}, {@code response_format}, {@code frequency_penalty},
 * {@code presence_penalty}, {@code logprobs} and {@code top_logprobs} (OpenAI-only) are not sent;
 * {@code tools} and {@code tool_choice} are translated by {@link AnthropicTools}; everything else
 * ({@code temperature}, {@code top_p}, {@code top_k}, {@code metadata}, {@code thinking}, ...) is passed
 * through as given.
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
     * @param stream       whether to add {@code "stream":true}
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
        ObjectNode outputConfig = AnthropicStructuredOutputs.outputConfig(params, structuredOutputs);
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
                    AnthropicBlocks.write(
                            body, m.parts().get(k), k == m.parts().size() - 1 ? cacheControl : null, uploaded);
                }
                g.writeEndArray();
                g.writeEndObject();
            } else {
                body.message(m, (b, part) -> AnthropicBlocks.write(b, part, null, uploaded));
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
