package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.http.JsonBody;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Part;
import java.io.IOException;
import java.util.function.Function;

/**
 * Writes one message part as a Messages API content block: text, image ({@code base64}, {@code url} or
 * {@code file} source), document ({@code base64} PDF, {@code text} plain text or {@code file} source,
 * with {@code title}, {@code context} and {@code citations}) or a Files API id, each optionally closed
 * by a {@code cache_control} object (prompt caching). Payload bytes are streamed by {@link JsonBody}.
 */
final class AnthropicBlocks {
    private AnthropicBlocks() {}

    /**
     * Writes one block; {@code cache}, if not null, is its {@code cache_control}; {@code uploaded} gives a
     * payload's Files API id, or null to send it inline.
     */
    static void write(JsonBody body, Part part, ObjectNode cache, Function<Payload, String> uploaded)
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
}
