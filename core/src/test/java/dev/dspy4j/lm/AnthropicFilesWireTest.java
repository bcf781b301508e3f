package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.anthropic.AnthropicFiles;
import dev.dspy4j.lm.upload.RemoteFile;
import dev.dspy4j.lm.upload.UnknownFileException;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.testing.LoopbackChatServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exact upload Anthropic's Files API receives, and list/get/delete against the loopback emulation. */
class AnthropicFilesWireTest {
    private static final Pattern BOUNDARY = Pattern.compile("multipart/form-data; boundary=(dspy4j-[0-9a-f]{32})");
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static AnthropicFiles files(String baseUrl) {
        return AnthropicFiles.of(AnthropicChat.builder()
                .baseUrl(baseUrl)
                .model("claude-test")
                .apiKey("sk-ant-secret-1")
                .cache(null)
                .build());
    }

    @Test
    void aPayloadIsUploadedAsOneFilePartWithTheFilesBetaHeader() {
        server.defaultReply(
                LoopbackServer.json(
                        200,
                        "{\"id\":\"file_011abc\",\"type\":\"file\",\"filename\":\"notes.txt\","
                                + "\"mime_type\":\"text/plain\",\"size_bytes\":6,\"created_at\":\"2026-11-30T00:00:00.5Z\",\"downloadable\":false}"));

        RemoteFile f = files(server.url())
                .upload(Payload.of("hello\n".getBytes(StandardCharsets.UTF_8), MediaType.TEXT), "notes.txt");

        LoopbackServer.Received got = server.last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/v1/files");
        assertThat(got.header("x-api-key")).isEqualTo("sk-ant-secret-1");
        assertThat(got.header("anthropic-version")).isEqualTo(AnthropicChat.DEFAULT_VERSION);
        assertThat(got.header("anthropic-beta")).isEqualTo("files-api-2025-04-14");
        assertThat(got.header("Content-Length")).isEqualTo(String.valueOf(got.body().length));
        Matcher m = BOUNDARY.matcher(got.header("Content-Type"));
        assertThat(m.matches()).isTrue();
        String b = m.group(1);
        assertThat(got.bodyText())
                .isEqualTo("--" + b + "\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n"
                        + "Content-Type: text/plain\r\n\r\n"
                        + "hello\n\r\n"
                        + "--" + b + "--\r\n");
        assertThat(f)
                .isEqualTo(new RemoteFile(
                        "file_011abc",
                        "notes.txt",
                        6,
                        "text/plain",
                        null,
                        Instant.parse("2026-11-30T00:00:00.5Z"),
                        null));
    }

    @Test
    void listGetAndDeleteAgainstTheLoopbackEmulation() {
        try (LoopbackChatServer loop = LoopbackChatServer.builder().start()) {
            AnthropicFiles files = files(loop.root().toString());
            RemoteFile a = files.upload(Payload.of(TestMedia.pdf(300, 1), MediaType.PDF), "a.pdf");
            assertThat(a.id()).startsWith("file_");
            assertThat(a.bytes()).isEqualTo(300);
            assertThat(a.mediaType()).isEqualTo("application/pdf");
            assertThat(files.get(a.id())).isEqualTo(a);
            assertThat(files.list()).containsExactly(a);
            assertThat(files.delete(a.id())).isTrue();
            assertThat(files.delete(a.id())).isFalse();
            assertThatThrownBy(() -> files.get(a.id()))
                    .isInstanceOf(UnknownFileException.class)
                    .hasMessageContaining("File not found: " + a.id());
            assertThat(loop.files().uploadCount()).isEqualTo(1);
        }
    }
}
