package dev.dspy4j.lm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A scripted HTTP server on 127.0.0.1 for client tests: it records every request (method, path,
 * headers, body) and answers with the next queued {@link Reply}, or the default reply when the queue
 * is empty. Replies can be delayed, fail, or drop the connection mid-response.
 */
public final class LoopbackServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request as it arrived. Header names are lower-case; {@code query} is the raw query string, or null. */
    @SuppressWarnings(
            "ArrayRecordComponent") // the body as read off the socket, handed out without a copy; never compared
    public record Received(String method, String path, Map<String, List<String>> headers, byte[] body, String query) {
        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** The body parsed as JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Answers one exchange (the request body has already been read). */
    @FunctionalInterface
    public interface Reply {
        void send(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Received> received = new ArrayList<>();
    private final Deque<Reply> queue = new ArrayDeque<>();
    private Reply defaultReply = json(200, chatCompletion("ok"));
    private volatile boolean readBodies = true;

    private LoopbackServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "loopback-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a server on an ephemeral port of 127.0.0.1. */
    public static LoopbackServer start() {
        try {
            return new LoopbackServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues replies, answered in order. */
    public synchronized LoopbackServer enqueue(Reply... replies) {
        queue.addAll(List.of(replies));
        return this;
    }

    /** The reply used when the queue is empty. */
    public synchronized LoopbackServer defaultReply(Reply r) {
        this.defaultReply = r;
        return this;
    }

    /** Whether to read request bodies before replying (default true); false answers before the body has arrived. */
    public LoopbackServer readBodies(boolean on) {
        this.readBodies = on;
        return this;
    }

    /** Every request so far, oldest first. */
    public synchronized List<Received> requests() {
        return List.copyOf(received);
    }

    public synchronized int requestCount() {
        return received.size();
    }

    /** The last request. */
    public synchronized Received last() {
        if (received.isEmpty()) throw new IllegalStateException("no request arrived");
        return received.get(received.size() - 1);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = new byte[0];
        if (readBodies) {
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        Reply reply;
        synchronized (this) {
            received.add(new Received(
                    ex.getRequestMethod(),
                    ex.getRequestURI().getPath(),
                    headers,
                    body,
                    ex.getRequestURI().getRawQuery()));
            reply = queue.isEmpty() ? defaultReply : queue.poll();
        }
        reply.send(ex); // a reply that throws makes the server drop the connection
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- replies ----

    /** A JSON answer with a status and header pairs (name, value, name, value, ...). */
    public static Reply json(int status, String body, String... headerPairs) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            for (int i = 0; i + 1 < headerPairs.length; i += 2)
                ex.getResponseHeaders().add(headerPairs[i], headerPairs[i + 1]);
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        };
    }

    /** Waits, then answers with {@code then} (if the client is still there). */
    public static Reply delayed(Duration d, Reply then) {
        return ex -> {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            then.send(ex);
        };
    }

    /** Announces a 1000-byte JSON answer, sends 20 bytes of it, and drops the connection. */
    public static Reply dropMidResponse() {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, 1000);
            OutputStream out = ex.getResponseBody();
            out.write("{\"choices\":[{\"messa".getBytes(StandardCharsets.UTF_8));
            out.flush();
            // the server closes the connection when a handler throws
            throw new IOException("dropping the connection on purpose");
        };
    }

    /** A chat-completions answer with one choice. */
    public static String chatCompletion(String text) {
        return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m-1\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":"
                + JSON.getNodeFactory().textNode(text)
                + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,\"total_tokens\":14}}";
    }

    /** An Anthropic messages answer with one text block. */
    public static String anthropicMessage(String text) {
        return "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[{\"type\":\"text\","
                + "\"text\":" + JSON.getNodeFactory().textNode(text) + "}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":4}}";
    }
}
