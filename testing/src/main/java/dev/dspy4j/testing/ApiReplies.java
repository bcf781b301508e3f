package dev.dspy4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What every endpoint of {@link LoopbackChatServer} shares: reading a request body, writing a reply,
 * and the error bodies OpenAI ({@code {"error":{"message","type","param","code"}}}) and Anthropic
 * ({@code {"type":"error","error":{"type","message"}}}) send.
 */
final class ApiReplies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiReplies() {}

    /** Sends {@code body} as {@code application/json} with this status, and closes the response. */
    static void reply(HttpExchange ex, int status, String body) throws IOException {
        reply(ex, status, "application/json", body);
    }

    /** Sends {@code body} (UTF-8) with this status and content type, and closes the response. */
    static void reply(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** OpenAI's error body; {@code param} null writes {@code "param":null}. */
    static String openAiError(String message, String type, String param) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        ObjectNode e = r.putObject("error");
        e.put("message", message);
        e.put("type", type);
        if (param == null) e.putNull("param");
        else e.put("param", param);
        e.putNull("code");
        return JSON.writeValueAsString(r);
    }

    /** Anthropic's error body, e.g. type {@code not_found_error} or {@code invalid_request_error}. */
    static String anthropicError(String type, String message) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("type", "error");
        ObjectNode e = r.putObject("error");
        e.put("type", type);
        e.put("message", message);
        return JSON.writeValueAsString(r);
    }

    /** The whole request body, read in 64 KB reads (the server's stream is slow with small ones). */
    static byte[] readAll(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        int hint = 64 * 1024;
        try {
            if (length != null) hint = (int) Math.min(Integer.MAX_VALUE - 8, Long.parseLong(length.trim()));
        } catch (NumberFormatException e) {
            // chunked or malformed: grow as needed
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(hint, 1024));
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = ex.getRequestBody()) {
            int r;
            while ((r = in.read(buf)) > 0) out.write(buf, 0, r);
        }
        return out.toByteArray();
    }

    /** Reads and drops the request body (the JDK server needs it consumed before the reply). */
    static void drain(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }
}
