package dev.dspy4j.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} (or {@code valkey-server}) child process for tests, on a free port of
 * 127.0.0.1, with no persistence and its files in a temporary directory. {@link #kill()} destroys the
 * process (SIGKILL) and {@link #restart()} starts a new one on the same port, so tests can take Redis
 * away under a running cache and bring it back.
 *
 * <p>The binary is {@code $DSPY4J_REDIS_SERVER} (or the system property {@code dspy4j.redis.server}),
 * else {@code redis-server} on the {@code PATH}. If there is none, {@link #start()} fails saying how to
 * install it: tests that need Redis are never skipped.
 *
 * <pre>{@code
 * try (RedisServerProcess redis = RedisServerProcess.start()) {
 *     RedisCache cache = RedisCache.builder().uri(redis.uri()).build();
 * }
 * }</pre>
 */
public final class RedisServerProcess implements AutoCloseable {
    /** The environment variable naming the server binary (a path, or a name on the PATH). */
    public static final String BINARY_ENV = "DSPY4J_REDIS_SERVER";
    /** The system property naming the server binary (wins over the environment variable). */
    public static final String BINARY_PROPERTY = "dspy4j.redis.server";

    private static final long START_TIMEOUT_MS = 20_000;

    private final String binary;
    private final int port;
    private final Path dir;
    private final List<String> extra;
    private final String password;
    private final int tlsPort;
    private Process process;

    private RedisServerProcess(String binary, int port, Path dir, List<String> extra, String password, int tlsPort) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.extra = extra;
        this.password = password;
        this.tlsPort = tlsPort;
    }

    /** Starts {@code redis-server} on a free loopback port and waits until it answers PING. */
    public static RedisServerProcess start() {
        return start(null);
    }

    /**
     * Starts {@code redis-server} on a free loopback port with {@code requirepass} set to {@code password}
     * (null: none), and waits until it answers PING.
     */
    public static RedisServerProcess start(String password) {
        String binary = binary();
        try {
            Path dir = Files.createTempDirectory("dspy4j-redis-");
            List<String> extra = password == null ? List.of() : List.of("--requirepass", password);
            RedisServerProcess server = new RedisServerProcess(binary, freePort(), dir, extra, password, 0);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts {@code redis-server} with a plain port and a TLS port ({@link #tlsUri()}) serving
     * {@code certPem} and {@code keyPem} (PEM; the key unencrypted, PKCS#8 or PKCS#1); clients need no
     * certificate of their own.
     */
    public static RedisServerProcess startTls(Path certPem, Path keyPem) {
        String binary = binary();
        try {
            Path dir = Files.createTempDirectory("dspy4j-redis-");
            int tls = freePort();
            List<String> extra = List.of(
                    "--tls-port",
                    Integer.toString(tls),
                    "--tls-cert-file",
                    certPem.toString(),
                    "--tls-key-file",
                    keyPem.toString(),
                    "--tls-auth-clients",
                    "no");
            RedisServerProcess server = new RedisServerProcess(binary, freePort(), dir, extra, null, tls);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary + ": " + e.getMessage(), e);
        }
    }

    /** {@code rediss://127.0.0.1:<tls port>}; only for a server started with {@link #startTls}. */
    public String tlsUri() {
        if (tlsPort == 0) throw new IllegalStateException("this server was not started with startTls");
        return "rediss://127.0.0.1:" + tlsPort;
    }

    /** The binary to run: the property, the environment variable, or {@code redis-server} found on the PATH. */
    public static String binary() {
        String named = System.getProperty(BINARY_PROPERTY);
        if (named == null || named.isBlank()) named = System.getenv(BINARY_ENV);
        if (named == null || named.isBlank()) named = "redis-server";
        if (named.contains(File.separator)) {
            if (Files.isExecutable(Path.of(named))) return named;
            throw new IllegalStateException(
                    named + " (from " + BINARY_ENV + " or " + BINARY_PROPERTY + ") is not an executable file");
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator, -1)) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, named)))
                    return Path.of(d, named).toString();
            }
        }
        throw new IllegalStateException("the tests need a real Redis server, but '" + named + "' is not on the PATH"
                + " (" + path + "). Install it: on Debian or Ubuntu 'apt-get update && apt-get install -y redis-server'"
                + " (.ci/run does this when it is missing), on macOS 'brew install redis'; or set " + BINARY_ENV
                + " to a redis-server or valkey-server binary.");
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The port the server listens on (the same across {@link #restart()}). */
    public int port() {
        return port;
    }

    /** The process id of the running server. */
    public long pid() {
        return process.pid();
    }

    /** True while the server process is alive. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Destroys the server process at once (SIGKILL), as a crash would; waits until it is gone. */
    public void kill() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException(binary + " did not die");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + binary, e);
        }
    }

    /** Starts the server again on the same port (empty: nothing is persisted); kills it first if it runs. */
    public void restart() {
        kill();
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart " + binary + ": " + e.getMessage(), e);
        }
    }

    /** Sends one command (RESP, arguments as text) and returns the first line of the reply, e.g. {@code +PONG}. */
    public String command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(5000);
            StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
            for (String a : args) {
                b.append('$')
                        .append(a.getBytes(StandardCharsets.UTF_8).length)
                        .append("\r\n")
                        .append(a)
                        .append("\r\n");
            }
            OutputStream out = s.getOutputStream();
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') line.append((char) c);
            }
            return line.toString();
        }
    }

    private void launch() throws IOException {
        Path log = dir.resolve("server.log");
        List<String> cmd = new ArrayList<>(List.of(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--protected-mode",
                "yes"));
        cmd.addAll(extra);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        binary + " exited with " + process.exitValue() + " at start: " + Files.readString(log));
            }
            try {
                if (password == null
                        ? "+PONG".equals(command("PING"))
                        : command("AUTH", password).equals("+OK")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(binary + " did not answer PING on port " + port + " within "
                        + START_TIMEOUT_MS + " ms: " + Files.readString(log));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                throw new IllegalStateException("interrupted while starting " + binary, e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Kills the server and deletes its directory. */
    @Override
    public void close() {
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    @Override
    public String toString() {
        return "RedisServerProcess[" + binary + " on 127.0.0.1:" + port + (isAlive() ? "" : ", stopped") + "]";
    }
}
