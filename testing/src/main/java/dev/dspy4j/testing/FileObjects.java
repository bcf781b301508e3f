package dev.dspy4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * How {@link LoopbackFiles} describes a stored file, in the shapes of the two Files APIs: OpenAI's file
 * object ({@code object: file}, {@code bytes}, epoch-second {@code created_at} and {@code expires_at},
 * {@code purpose}, {@code status}) and Anthropic's ({@code type: file}, {@code mime_type},
 * {@code size_bytes}, RFC 3339 {@code created_at}, {@code downloadable}), and their list and delete
 * answers.
 */
final class FileObjects {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FileObjects() {}

    /** One file object, as JSON text. */
    static String describe(LoopbackFiles.StoredFile f, boolean anthropic) throws IOException {
        return JSON.writeValueAsString(node(f, anthropic));
    }

    /** A list answer: {@code data} holds {@code files} in order, with {@code first_id}/{@code last_id}. */
    static String list(List<LoopbackFiles.StoredFile> files, boolean anthropic) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        if (!anthropic) r.put("object", "list");
        ArrayNode data = r.putArray("data");
        for (LoopbackFiles.StoredFile f : files) data.add(node(f, anthropic));
        r.put("has_more", false);
        if (files.isEmpty()) {
            r.putNull("first_id");
            r.putNull("last_id");
        } else {
            r.put("first_id", files.get(0).id());
            r.put("last_id", files.get(files.size() - 1).id());
        }
        return JSON.writeValueAsString(r);
    }

    /** The answer to a delete of file {@code id}. */
    static String deleted(String id, boolean anthropic) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id);
        if (anthropic) {
            r.put("type", "file_deleted");
        } else {
            r.put("object", "file");
            r.put("deleted", true);
        }
        return JSON.writeValueAsString(r);
    }

    private static ObjectNode node(LoopbackFiles.StoredFile f, boolean anthropic) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.id());
        if (anthropic) {
            n.put("type", "file");
            n.put("filename", f.filename());
            n.put("mime_type", f.mediaType());
            n.put("size_bytes", f.bytes());
            n.put("created_at", f.created().toString());
            n.put("downloadable", f.content() != null);
        } else {
            n.put("object", "file");
            n.put("bytes", f.bytes());
            n.put("created_at", f.created().getEpochSecond());
            if (f.expires() != null) n.put("expires_at", f.expires().getEpochSecond());
            else n.putNull("expires_at");
            n.put("filename", f.filename());
            n.put("purpose", f.purpose());
            n.put("status", "processed");
        }
        return n;
    }
}
