package dev.dspy4j.redis;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A child JVM running {@link RedisLmMain}, its stdout read line by line and its stderr kept in a file. */
final class ChildJvm implements AutoCloseable {
    final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path err;

    ChildJvm(String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(
                List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), RedisLmMain.class.getName()));
        cmd.addAll(List.of(args));
        err = Files.createTempFile("dspy4j-redis-child", ".err");
        process = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** The next line; fails with the child's stderr if it ended. */
    String line() throws IOException {
        String l = out.readLine();
        if (l == null) fail("the child ended early (exit " + exit() + "): " + Files.readString(err));
        return l;
    }

    /** Tells the child to ask its question. */
    void go() throws IOException {
        in.write("go\n");
        in.flush();
    }

    /** Kills the child with SIGKILL and waits for it. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private String exit() {
        try {
            return process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(err);
    }
}
