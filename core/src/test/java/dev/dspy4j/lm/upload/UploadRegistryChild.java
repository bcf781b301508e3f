package dev.dspy4j.lm.upload;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiFiles;
import dev.dspy4j.media.Digest;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM for {@link UploadRegistryProcessTest}. Modes:
 * <ul>
 *   <li>{@code ensure DIR BASE_URL PNG GO}: prints {@code ready}, waits for file GO, uploads PNG through
 *       the registry in DIR to the server at BASE_URL, prints {@code id <file id>};</li>
 *   <li>{@code write DIR COUNT}: records COUNT uploads ({@code file-<i>} for {@link #key}(i)), printing
 *       {@code wrote <i>} after each, then claims {@link #key}(-1) and prints {@code claimed} while its
 *       upload never ends (lease 1 s).</li>
 * </ul>
 */
public final class UploadRegistryChild {
    static final String ACCOUNT = "https://api.example.test/v1";

    private UploadRegistryChild() {}

    /** The key of upload {@code i} in write mode. */
    static Upload.Key key(long i) {
        return new Upload.Key(
                "openai", ACCOUNT, Digest.of(Digest.sha256().digest(("upload " + i).getBytes(StandardCharsets.UTF_8))));
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        if (args[0].equals("ensure")) {
            try (SqliteUploadRegistry registry = SqliteUploadRegistry.builder()
                    .directory(dir)
                    .pollInterval(Duration.ofMillis(20))
                    .build()) {
                OpenAiChat chat = OpenAiChat.builder()
                        .baseUrl(args[2])
                        .model("m")
                        .apiKey("sk-child-secret-key-123")
                        .cache(null)
                        .build();
                Payload png = Payload.of(Path.of(args[3]), MediaType.PNG);
                System.out.println("ready");
                System.out.flush();
                Path go = Path.of(args[4]);
                while (!Files.exists(go)) Thread.sleep(5);
                Upload u = registry.ensure(OpenAiFiles.of(chat), png, "noise.png");
                System.out.println("id " + u.fileId());
            }
        } else if (args[0].equals("write")) {
            long count = Long.parseLong(args[2]);
            SqliteUploadRegistry registry = SqliteUploadRegistry.builder()
                    .directory(dir)
                    .lease(Duration.ofSeconds(1))
                    .build();
            for (long i = 0; i < count; i++) {
                long n = i;
                registry.ensure(
                        key(i), 1000 + i, () -> new RemoteFile("file-" + n, null, -1, null, "user_data", null, null));
                System.out.println("wrote " + i);
                System.out.flush();
            }
            registry.ensure(key(-1), 1, () -> {
                System.out.println("claimed");
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("interrupted");
            });
        } else {
            throw new IllegalArgumentException("mode " + args[0]);
        }
    }
}
