package dev.dspy4j.testing;

import static dev.dspy4j.testing.ApiReplies.readAll;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
        /** {@return the body decoded as UTF-8, or null if it was not kept} */
        public String bodyText() {
            return body == null ? null : new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final ModelEndpoints models;
    private final LoopbackBatches batches;
    private final LoopbackFiles files;

    private LoopbackChatServer(Builder b) throws IOException {
        this.files = new LoopbackFiles(b.uploadDelay);
        this.models = new ModelEndpoints(b.responder, b.keepBodies, files);
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
                b.responder,
                b.batchErrors,
                b.batchPolls,
                "http://127.0.0.1:" + server.getAddress().getPort());
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** {@return a builder with the defaults: answer {@code [[ ## answer ## ]] ok}, 4 threads, a free port} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a server with the defaults that answers every model request with {@code text}.
     *
     * @param text the completion text, sent as is (use {@link #chatAnswer} for the chat format)
     * @return the running server; close it when done
     * @throws UncheckedIOException if no port can be bound
     */
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
     * URL to give {@code --api-base}. A bad argument prints its error and the usage, and exits with 2.
     *
     * @param args the command line, as above
     * @throws InterruptedException if the main thread is interrupted while the server runs
     */
    public static void main(String[] args) throws InterruptedException {
        LoopbackChatServer server;
        try {
            server = fromArgs(args);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            System.err.println(e.getMessage());
            System.err.println(LoopbackArgs.USAGE);
            System.exit(2);
            return;
        }
        System.out.println(server.baseUrl());
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Starts a server as {@link #main} does, from the same arguments. */
    static LoopbackChatServer fromArgs(String[] args) {
        return LoopbackArgs.parse(args).start();
    }

    /**
     * A completion in dspy4j's chat format, which a program with one output field parses.
     *
     * @param field the output field's name
     * @param value the field's value, as text
     * @return {@code [[ ## field ## ]]\nvalue\n\n[[ ## completed ## ]]}
     */
    public static String chatAnswer(String field, String value) {
        return "[[ ## " + field + " ## ]]\n" + value + "\n\n[[ ## completed ## ]]";
    }

    /** {@return {@code http://127.0.0.1:<port>/v1}, the base URL to give an OpenAI-compatible or Anthropic client} */
    public String baseUrl() {
        return "http://127.0.0.1:" + port() + "/v1";
    }

    /** {@return {@code http://127.0.0.1:<port>}, without a path (for clients that add {@code /v1beta} or the like)} */
    public URI root() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** {@return the port the server listens on, on 127.0.0.1} */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@return model requests received so far (files and batch endpoints not counted), answered or refused} */
    public int requestCount() {
        return models.requestCount();
    }

    /** {@return the body bytes of all model requests received so far} */
    public long totalBodyBytes() {
        return models.totalBodyBytes();
    }

    /** {@return the size in bytes of the last model request's body, 0 before any} */
    public long lastBodyBytes() {
        return models.lastBodyBytes();
    }

    /** {@return the size in bytes of the largest model request body so far} */
    public long maxBodyBytes() {
        return models.maxBodyBytes();
    }

    /** {@return a copy of every model request received, oldest first (bodies only if kept)} */
    public List<Received> received() {
        return models.received();
    }

    /** {@return batches created so far, Anthropic's and OpenAI's (not counted in {@link #requestCount()})} */
    public int batchesCreated() {
        return batches.created();
    }

    /** {@return status polls so far, over all batches} */
    public int batchPollCount() {
        return batches.polls();
    }

    /**
     * {@return every request sent inside a batch, oldest first: the path a live call would use and the
     * request body (the batch line's {@code params} or {@code body}) as compact JSON}
     */
    public List<Received> batchRequests() {
        return batches.items().stream()
                .map(i -> {
                    byte[] bytes = i.body().toString().getBytes(StandardCharsets.UTF_8);
                    return new Received(i.path(), bytes.length, bytes);
                })
                .toList();
    }

    /**
     * {@return the server's Files API: uploads received, stored files, and {@code forget(id)} to emulate an
     * expired upload}
     */
    public LoopbackFiles files() {
        return files;
    }

    /** Clears the counters and the received requests. */
    public void reset() {
        models.reset();
        files.reset();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (LoopbackFiles.isFilesPath(path)) {
                files.handle(ex);
            } else if (LoopbackBatches.handles(path)) {
                batches.handle(ex, ex.getRequestMethod(), path, readAll(ex));
            } else {
                models.handle(ex, path);
            }
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

        /**
         * Sets how long batches run.
         *
         * @param n the status poll at which a batch ends (default 2; 0 ends it at once)
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is negative
         */
        public Builder batchPolls(int n) {
            if (n < 0) throw new IllegalArgumentException("batchPolls must be 0 or more, got " + n);
            this.batchPolls = n;
            return this;
        }

        /**
         * Requests inside a batch for which {@code fails} is true come back {@code errored} (an
         * {@code invalid_request_error}) instead of answered; it sees the path a live call would use
         * and the request body. Default: none fails.
         *
         * @param fails true for the requests to fail; not null
         * @return this builder
         */
        public Builder batchErrors(java.util.function.Predicate<Received> fails) {
            this.batchErrors = Objects.requireNonNull(fails, "fails");
            return this;
        }

        /**
         * Delays every answer to an upload, to test uploads that overlap.
         *
         * @param delay how much later each {@code POST .../files} is answered (default zero)
         * @return this builder
         * @throws IllegalArgumentException if {@code delay} is null or negative
         */
        public Builder uploadDelay(java.time.Duration delay) {
            if (delay == null || delay.isNegative())
                throw new IllegalArgumentException("uploadDelay must be zero or positive, not " + delay);
            this.uploadDelay = delay;
            return this;
        }

        /**
         * Answers every model request, batched ones included, with the same completion.
         *
         * @param text the completion text, sent as is; not null
         * @return this builder
         */
        public Builder answer(String text) {
            Objects.requireNonNull(text, "text");
            this.responder = r -> text;
            return this;
        }

        /**
         * Answers each model request, batched ones included, with the completion a function computes.
         *
         * @param fn the completion text for a request; a runtime exception it throws on a live request is
         *     answered 500 with its message; not null
         * @return this builder
         */
        public Builder respond(Function<Received, String> fn) {
            this.responder = Objects.requireNonNull(fn, "fn");
            return this;
        }

        /**
         * Keeps every model request body in memory for {@link #received()}.
         *
         * @param on true to keep the bodies (default false: only their sizes are counted)
         * @return this builder
         */
        public Builder keepBodies(boolean on) {
            this.keepBodies = on;
            return this;
        }

        /**
         * Sets the number of handler threads, which is the number of requests answered at once.
         *
         * @param n at least 1 (default 4)
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder threads(int n) {
            if (n < 1) throw new IllegalArgumentException("threads must be at least 1");
            this.threads = n;
            return this;
        }

        /**
         * Sets the port to listen on.
         *
         * @param port 1 to 65535, or 0 (the default) for a free one
         * @return this builder
         * @throws IllegalArgumentException if {@code port} is outside 0..65535
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
            this.port = port;
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server; close it when done
         * @throws UncheckedIOException if the port cannot be bound
         */
        public LoopbackChatServer start() {
            try {
                return new LoopbackChatServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the loopback server: " + e.getMessage(), e);
            }
        }
    }
}
