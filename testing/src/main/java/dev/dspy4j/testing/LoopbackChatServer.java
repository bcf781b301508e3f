package dev.dspy4j.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A test and benchmark server on 127.0.0.1 (a random free port unless {@link Builder#port} is given) that answers OpenAI-compatible
 * chat completions ({@code POST .../chat/completions}), OpenAI responses ({@code POST .../responses}, plain
 * or, for a body that starts with {@code "stream": true} in its first 4 KB, as server-sent events) and
 * Anthropic messages ({@code POST .../messages}) with a scripted completion, by default in dspy4j's chat format
 * ({@code [[ ## label ## ]]\n...\n\n[[ ## completed ## ]]}), emulates OpenAI's and Anthropic's
 * Files API ({@link #files()}, {@link LoopbackFiles}): a request referring to a file id the server
 * does not hold is answered 404, and emulates Anthropic Message Batches ({@code .../messages/batches}:
 * each batch ends after {@link Builder#batchPolls} status polls, its requests answered by the same
 * responder, or failed where {@link Builder#batchErrors} says so).
 *
 * <p>It reads every request body whole and counts its bytes, and keeps the bodies only when asked
 * ({@link Builder#keepBodies}), so a benchmark can send hundreds of megabytes through it without the
 * server holding them. Its handler threads are named {@code loopback-chat-server-N}, so allocation
 * measurements can leave them out. Not a provider; for tests, the {@code bench} commands and demos.
 *
 * <pre>{@code
 * try (var server = LoopbackChatServer.builder().answer(LoopbackChatServer.chatAnswer("label", "cat")).start()) {
 *     var lm = OpenAiChat.builder().baseUrl(server.baseUrl()).model("loopback").apiKey("unused").build();
 *     ...
 *     server.requestCount();
 * }
 * }</pre>
 */
public final class LoopbackChatServer implements AutoCloseable {
    /** The prefix of the server's handler thread names. */
    public static final String THREAD_PREFIX = "loopback-chat-server-";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger SERVERS = new AtomicInteger();

    static {
        // The JDK server writes a response's headers and body in two writes; with Nagle's algorithm on, the
        // second waits for the client's delayed ACK, about 40 ms per exchange on Linux, which dominated a
        // 3 MB upload and added ~4 s to 100 chat requests. Read once, when the JDK first makes a server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null)
            System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * A request as the server received it.
     *
     * @param path      the request path
     * @param bodyBytes the body's size in bytes
     * @param body      the body, or null unless {@link Builder#keepBodies} is on
     */
    @SuppressWarnings(
            "ArrayRecordComponent") // the body as read off the socket, handed out without a copy; never compared
    public record Received(String path, long bodyBytes, byte[] body) {
        /** The body as UTF-8 text, or null if not kept. */
        public String bodyText() {
            return body == null ? null : new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Function<Received, String> responder;
    private final boolean keepBodies;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong totalBytes = new AtomicLong();
    private final AtomicLong lastBytes = new AtomicLong();
    private final AtomicLong maxBytes = new AtomicLong();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final LoopbackBatches batches;
    private final LoopbackFiles files;

    private LoopbackChatServer(Builder b) throws IOException {
        this.files = new LoopbackFiles(b.uploadDelay);
        this.responder = b.responder;
        this.keepBodies = b.keepBodies;
        int id = SERVERS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, THREAD_PREFIX + id + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 128);
        this.batches = new LoopbackBatches(
                files,
                responder,
                b.batchErrors,
                b.batchPolls,
                "http://127.0.0.1:" + server.getAddress().getPort());
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A server that answers every request with {@code text}. */
    public static LoopbackChatServer start(String text) {
        return builder().answer(text).start();
    }

    /**
     * Runs a server from the command line until the process is killed, for trying the CLI without a
     * provider: {@code java -cp dspy4j.jar dev.dspy4j.testing.LoopbackChatServer [PORT] [FIELD VALUE]...}.
     * PORT defaults to 8765 (0 picks a free one); each FIELD VALUE pair becomes one
     * {@code [[ ## FIELD ## ]]} section of every answer (default {@code answer ok}), so a program whose
     * output fields are those parses. {@code --batch-polls N} ends each batch at its N-th poll (default 2);
     * {@code --batch-error-when TEXT} fails the batch requests whose body contains TEXT. Prints the base
     * URL to give {@code --api-base}.
     */
    public static void main(String[] args) throws InterruptedException {
        LoopbackChatServer server;
        try {
            server = fromArgs(args);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println(e.getMessage());
            System.err.println(
                    "usage: LoopbackChatServer [--batch-polls N] [--batch-error-when TEXT] [PORT] [FIELD VALUE]..."
                            + "   e.g. 8765 answer cat");
            System.exit(2);
            return;
        }
        System.out.println(server.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Starts a server as {@link #main} does, from the same arguments. */
    static LoopbackChatServer fromArgs(String[] all) {
        Builder builder = builder();
        List<String> rest = new ArrayList<>();
        for (int k = 0; k < all.length; k++) {
            if (all[k].equals("--batch-polls") && k + 1 < all.length) {
                try {
                    builder.batchPolls(Integer.parseInt(all[++k]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--batch-polls takes a number, got '" + all[k] + "'");
                }
            } else if (all[k].equals("--batch-error-when") && k + 1 < all.length) {
                String marker = all[++k];
                builder.batchErrors(r -> r.bodyText().contains(marker));
            } else {
                rest.add(all[k]);
            }
        }
        String[] args = rest.toArray(String[]::new);
        int port = 8765;
        int i = 0;
        if (args.length % 2 == 1) {
            try {
                port = Integer.parseInt(args[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("PORT must be a number from 0 to 65535, got '" + args[0] + "'");
            }
            i = 1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("PORT must be a number from 0 to 65535, got " + port);
        }
        StringBuilder text = new StringBuilder();
        for (; i < args.length; i += 2) {
            text.append("[[ ## ")
                    .append(args[i])
                    .append(" ## ]]\n")
                    .append(args[i + 1])
                    .append("\n\n");
        }
        String answer = text.isEmpty() ? chatAnswer("answer", "ok") : text + "[[ ## completed ## ]]";
        return builder.port(port).answer(answer).start();
    }

    /** A completion in the chat format: {@code [[ ## field ## ]]\nvalue\n\n[[ ## completed ## ]]}. */
    public static String chatAnswer(String field, String value) {
        return "[[ ## " + field + " ## ]]\n" + value + "\n\n[[ ## completed ## ]]";
    }

    /** {@code http://127.0.0.1:<port>/v1}, the base URL to give an OpenAI-compatible client. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** {@code http://127.0.0.1:<port>}, without a path. */
    public URI root() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests answered so far. */
    public int requestCount() {
        return requests.get();
    }

    /** Body bytes received so far, over all requests. */
    public long totalBodyBytes() {
        return totalBytes.get();
    }

    /** The size of the last request body. */
    public long lastBodyBytes() {
        return lastBytes.get();
    }

    /** The size of the largest request body. */
    public long maxBodyBytes() {
        return maxBytes.get();
    }

    /** Every request received, oldest first (bodies only if kept). */
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Batches created so far (batch endpoints are not counted in {@link #requestCount()}). */
    public int batchesCreated() {
        return batches.created();
    }

    /** Polls of a batch's status so far, over all batches. */
    public int batchPollCount() {
        return batches.polls();
    }

    /**
     * Every request sent inside a batch, oldest first: the path a live call would use and the request
     * body (the batch line's {@code params}) as compact JSON.
     */
    public List<Received> batchRequests() {
        return batches.items().stream()
                .map(i -> {
                    byte[] bytes = i.body().toString().getBytes(StandardCharsets.UTF_8);
                    return new Received(i.path(), bytes.length, bytes);
                })
                .toList();
    }

    /** The server's Files API: uploads received, stored files, and {@code forget(id)} to emulate an expired upload. */
    public LoopbackFiles files() {
        return files;
    }

    /** Clears the counters and the received requests. */
    public void reset() {
        requests.set(0);
        totalBytes.set(0);
        lastBytes.set(0);
        maxBytes.set(0);
        received.clear();
        files.reset();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (LoopbackFiles.isFilesPath(path)) {
                files.handle(ex);
                return;
            }
            long n = 0;
            boolean keep = keepBodies || LoopbackBatches.handles(path);
            ByteArrayOutputStream kept = keep ? new ByteArrayOutputStream() : null;
            FileIdScanner fileIds = files.inUse() ? new FileIdScanner() : null;
            byte[] buf = new byte[64 * 1024];
            byte[] head = new byte[LoopbackResponses.HEAD_BYTES];
            int headLength = 0;
            try (InputStream in = ex.getRequestBody()) {
                int r;
                while ((r = in.read(buf)) > 0) {
                    if (headLength < head.length) {
                        int take = Math.min(r, head.length - headLength);
                        System.arraycopy(buf, 0, head, headLength, take);
                        headLength += take;
                    }
                    n += r;
                    if (kept != null) kept.write(buf, 0, r);
                    if (fileIds != null) fileIds.feed(buf, 0, r);
                }
            }
            if (LoopbackBatches.handles(path)) {
                batches.handle(ex, ex.getRequestMethod(), path, kept != null ? kept.toByteArray() : null);
                return;
            }
            if (!"POST".equals(ex.getRequestMethod())) {
                reply(ex, 405, "{\"error\":{\"message\":\"use POST\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            boolean openAi = path.endsWith("/chat/completions");
            boolean anthropic = path.endsWith("/messages");
            boolean responses = path.endsWith("/responses");
            if (!openAi && !anthropic && !responses) {
                reply(ex, 404, "{\"error\":{\"message\":\"no such endpoint: " + path + "\",\"type\":\"not_found\"}}");
                return;
            }
            Received rec = new Received(path, n, kept == null ? null : kept.toByteArray());
            requests.incrementAndGet();
            totalBytes.addAndGet(n);
            lastBytes.set(n);
            maxBytes.accumulateAndGet(n, Math::max);
            received.add(keepBodies ? rec : new Received(path, n, null));
            String unknownFile = fileIds == null ? null : files.firstUnknown(fileIds.ids());
            if (unknownFile != null) {
                reply(ex, 404, LoopbackFiles.unknownFileError(unknownFile, anthropic));
                return;
            }
            String text;
            try {
                text = responder.apply(rec);
            } catch (RuntimeException e) {
                reply(
                        ex,
                        500,
                        "{\"error\":{\"message\":" + JSON.writeValueAsString(String.valueOf(e.getMessage()))
                                + ",\"type\":\"server_error\"}}");
                return;
            }
            if (responses && LoopbackResponses.wantsStream(head, headLength)) {
                reply(ex, 200, "text/event-stream", LoopbackResponses.events(text));
                return;
            }
            reply(ex, 200, openAi ? openAiBody(text) : responses ? LoopbackResponses.body(text) : anthropicBody(text));
        }
    }

    static String openAiBody(String text) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-loopback");
        root.put("object", "chat.completion");
        root.put("created", System.currentTimeMillis() / 1000);
        root.put("model", "loopback");
        ArrayNode choices = root.putArray("choices");
        ObjectNode c = choices.addObject();
        c.put("index", 0);
        ObjectNode msg = c.putObject("message");
        msg.put("role", "assistant");
        msg.put("content", text);
        c.put("finish_reason", "stop");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", 100);
        usage.put("completion_tokens", 10);
        usage.put("total_tokens", 110);
        return JSON.writeValueAsString(root);
    }

    static String anthropicBody(String text) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "msg_loopback");
        root.put("type", "message");
        root.put("role", "assistant");
        root.put("model", "loopback");
        ObjectNode c = root.putArray("content").addObject();
        c.put("type", "text");
        c.put("text", text);
        root.put("stop_reason", "end_turn");
        ObjectNode usage = root.putObject("usage");
        usage.put("input_tokens", 100);
        usage.put("output_tokens", 10);
        return JSON.writeValueAsString(root);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        reply(ex, status, "application/json", body);
    }

    private static void reply(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** Stops the server and its threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LoopbackChatServer[" + baseUrl() + ", " + requestCount() + " requests]";
    }

    /** Configures a {@link LoopbackChatServer}. */
    public static final class Builder {
        private Function<Received, String> responder = r -> chatAnswer("answer", "ok");
        private boolean keepBodies;
        private int threads = 4;
        private int port;
        private java.time.Duration uploadDelay = java.time.Duration.ZERO;
        private int batchPolls = 2;
        private java.util.function.Predicate<Received> batchErrors = r -> false;

        private Builder() {}

        /** A batch ends at its {@code n}-th status poll (default 2; 0 ends it at once). */
        public Builder batchPolls(int n) {
            if (n < 0) throw new IllegalArgumentException("batchPolls must be 0 or more, got " + n);
            this.batchPolls = n;
            return this;
        }

        /**
         * Requests inside a batch for which {@code fails} is true come back {@code errored} (an
         * {@code invalid_request_error}) instead of answered; it sees the path a live call would use
         * and the request body. Default: none fails.
         */
        public Builder batchErrors(java.util.function.Predicate<Received> fails) {
            this.batchErrors = Objects.requireNonNull(fails, "fails");
            return this;
        }

        /** Each upload to the Files API is answered this much later (to test uploads that overlap; default none). */
        public Builder uploadDelay(java.time.Duration delay) {
            if (delay == null || delay.isNegative())
                throw new IllegalArgumentException("uploadDelay must be zero or positive, not " + delay);
            this.uploadDelay = delay;
            return this;
        }

        /** Every request is answered with this completion text. */
        public Builder answer(String text) {
            Objects.requireNonNull(text, "text");
            this.responder = r -> text;
            return this;
        }

        /** Each request is answered with the text this function returns (an exception gives a 500). */
        public Builder respond(Function<Received, String> fn) {
            this.responder = Objects.requireNonNull(fn, "fn");
            return this;
        }

        /** Keeps every request body in memory for inspection (off by default). */
        public Builder keepBodies(boolean on) {
            this.keepBodies = on;
            return this;
        }

        /** Handler threads (default 4). */
        public Builder threads(int n) {
            if (n < 1) throw new IllegalArgumentException("threads must be at least 1");
            this.threads = n;
            return this;
        }

        /** The port on 127.0.0.1 (default 0: a free one). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
            this.port = port;
            return this;
        }

        /** Starts the server. */
        public LoopbackChatServer start() {
            try {
                return new LoopbackChatServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the loopback server: " + e.getMessage(), e);
            }
        }
    }
}
