package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiFiles;
import dev.dspy4j.lm.upload.RemoteFile;
import dev.dspy4j.lm.upload.UnknownFileException;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.testing.LoopbackChatServer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact multipart bodies OpenAI's Files API receives, and the other Files endpoints against the loopback emulation. */
class OpenAiFilesWireTest {
    private static final Pattern BOUNDARY = Pattern.compile("multipart/form-data; boundary=(dspy4j-[0-9a-f]{32})");
    private static final String FILE_JSON =
            "{\"id\":\"file-abc\",\"object\":\"file\",\"bytes\":9,\"created_at\":1700000000,"
                    + "\"expires_at\":null,\"filename\":\"report.pdf\",\"purpose\":\"user_data\"}";
    private final LoopbackServer server = LoopbackServer.start();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiFiles files(String baseUrl) {
        return OpenAiFiles.of(OpenAiChat.builder()
                .baseUrl(baseUrl)
                .model("gpt-test")
                .apiKey("sk-files-secret")
                .maxAttempts(2)
                .retryPolicy(RetryPolicy.defaults()
                        .withMaxAttempts(2)
                        .withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)))
                .cache(null)
                .build());
    }

    private static String boundaryOf(LoopbackServer.Received got) {
        Matcher m = BOUNDARY.matcher(got.header("Content-Type"));
        assertThat(m.matches()).as(got.header("Content-Type")).isTrue();
        return m.group(1);
    }

    @Test
    void aPayloadIsUploadedAsOneMultipartBodyStreamedFromTheFileWithItsExactLength() throws Exception {
        server.defaultReply(LoopbackServer.json(200, FILE_JSON));
        Path pdf = dir.resolve("report.pdf");
        Files.write(pdf, "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII));

        RemoteFile f = files(server.url() + "/v1").upload(Payload.of(pdf, MediaType.PDF), "report.pdf");

        LoopbackServer.Received got = server.last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/v1/files");
        assertThat(got.header("Authorization")).isEqualTo("Bearer sk-files-secret");
        assertThat(got.header("Content-Length")).isEqualTo(String.valueOf(got.body().length));
        String b = boundaryOf(got);
        assertThat(got.bodyText())
                .isEqualTo("--" + b + "\r\n"
                        + "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                        + "user_data\r\n"
                        + "--" + b + "\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"report.pdf\"\r\n"
                        + "Content-Type: application/pdf\r\n\r\n"
                        + "%PDF-1.4\n\r\n"
                        + "--" + b + "--\r\n");
        assertThat(f)
                .isEqualTo(new RemoteFile(
                        "file-abc", "report.pdf", 9, null, "user_data", Instant.ofEpochSecond(1700000000), null));
    }

    @Test
    void anExpiryIsSentAsExpiresAfterFieldsAndAQuoteInTheNameIsEscaped() throws Exception {
        server.defaultReply(
                LoopbackServer.json(200, FILE_JSON.replace("\"expires_at\":null", "\"expires_at\":1700003600")));
        byte[] png = TestMedia.png(12, 3);
        RemoteFile f = files(server.url() + "/v1")
                .upload(Payload.of(png, MediaType.PNG), "a\"b.png", OpenAiFiles.USER_DATA, Duration.ofHours(1));

        LoopbackServer.Received got = server.last();
        String b = boundaryOf(got);
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        expected.write(("--" + b + "\r\n"
                        + "Content-Disposition: form-data; name=\"purpose\"\r\n\r\nuser_data\r\n"
                        + "--" + b + "\r\n"
                        + "Content-Disposition: form-data; name=\"expires_after[anchor]\"\r\n\r\ncreated_at\r\n"
                        + "--" + b + "\r\n"
                        + "Content-Disposition: form-data; name=\"expires_after[seconds]\"\r\n\r\n3600\r\n"
                        + "--" + b + "\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"a%22b.png\"\r\n"
                        + "Content-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        expected.write(png);
        expected.write(("\r\n--" + b + "--\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(got.body()).isEqualTo(expected.toByteArray());
        assertThat(f.expires()).isEqualTo(Instant.ofEpochSecond(1700003600));
    }

    @Test
    void writtenContentGoesChunkedWithTheBatchPurpose() {
        server.defaultReply(LoopbackServer.json(200, FILE_JSON.replace("user_data", "batch")));
        files(server.url() + "/v1")
                .upload(
                        "batch.jsonl",
                        OpenAiFiles.BATCH,
                        "application/jsonl",
                        out -> out.write(
                                "{\"custom_id\":\"1\"}\n{\"custom_id\":\"2\"}\n".getBytes(StandardCharsets.UTF_8)));

        LoopbackServer.Received got = server.last();
        String b = boundaryOf(got);
        assertThat(got.header("Content-Length")).isNull();
        assertThat(got.header("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
        assertThat(got.bodyText())
                .isEqualTo("--" + b + "\r\n"
                        + "Content-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                        + "--" + b + "\r\n"
                        + "Content-Disposition: form-data; name=\"file\"; filename=\"batch.jsonl\"\r\n"
                        + "Content-Type: application/jsonl\r\n\r\n"
                        + "{\"custom_id\":\"1\"}\n{\"custom_id\":\"2\"}\n\r\n"
                        + "--" + b + "--\r\n");
    }

    @Test
    void aFailedUploadIsRetriedWithTheWholeBodyAgain() throws Exception {
        server.enqueue(
                LoopbackServer.json(500, "{\"error\":{\"message\":\"busy\"}}"), LoopbackServer.json(200, FILE_JSON));
        Path pdf = dir.resolve("r.pdf");
        Files.write(pdf, "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII));

        files(server.url() + "/v1").upload(Payload.of(pdf, MediaType.PDF), "r.pdf");

        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(server.requests().get(1).body())
                .isEqualTo(server.requests().get(0).body());
        assertThat(server.requests().get(1).bodyText()).contains("%PDF-1.4\n");
    }

    @Test
    void errorsNameTheEndpointAndRedactTheKey() {
        server.defaultReply(
                LoopbackServer.json(400, "{\"error\":{\"message\":\"bad key sk-files-secret\",\"code\":\"invalid\"}}"));
        assertThatThrownBy(() ->
                        files(server.url() + "/v1").upload(Payload.of(TestMedia.png(8, 1), MediaType.PNG), "x.png"))
                .isInstanceOf(BadRequestException.class)
                .hasMessage("OpenAI Files API at " + server.url() + "/v1/files answered HTTP 400 while uploading "
                        + "x.png (8 bytes, image/png) (attempt 1 of 2): bad key *** [invalid]");
    }

    @Test
    void blankNamesAndExpiriesOutOfRangeAreRefusedBeforeSending() {
        OpenAiFiles files = files(server.url() + "/v1");
        Payload p = Payload.of(TestMedia.png(8, 1), MediaType.PNG);
        assertThatThrownBy(() -> files.upload(p, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("file name");
        assertThatThrownBy(() -> files.upload(p, "x.png", "", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("purpose");
        assertThatThrownBy(() -> files.upload(p, "x.png", "user_data", Duration.ofMinutes(59)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from 1 hour to 30 days");
        assertThatThrownBy(() -> files.get("../v1/models"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an OpenAI file id");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void listGetContentAndDeleteAgainstTheLoopbackEmulation() throws Exception {
        try (LoopbackChatServer loop = LoopbackChatServer.builder().start()) {
            OpenAiFiles files = files(loop.baseUrl());
            RemoteFile img = files.upload(Payload.of(TestMedia.png(20, 2), MediaType.PNG), "a.png");
            RemoteFile batch = files.upload(
                    "in.jsonl",
                    OpenAiFiles.BATCH,
                    "application/jsonl",
                    out -> out.write("{\"x\":1}\n".getBytes(StandardCharsets.UTF_8)));

            assertThat(files.list()).extracting(RemoteFile::id).containsExactly(img.id(), batch.id());
            assertThat(files.list(OpenAiFiles.BATCH)).extracting(RemoteFile::id).contains(batch.id());
            assertThat(files.get(img.id())).isEqualTo(img);
            assertThat(img.bytes()).isEqualTo(20);
            assertThat(img.purpose()).isEqualTo("user_data");
            assertThat(img.expires()).isNull();
            assertThat(batch.expires()).isNotNull();
            try (InputStream in = files.content(batch.id())) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"x\":1}\n");
            }
            assertThat(loop.files().uploadCount()).isEqualTo(2);
            assertThat(loop.requestCount()).isZero();

            assertThat(files.delete(img.id())).isTrue();
            assertThat(files.delete(img.id())).isFalse();
            assertThatThrownBy(() -> files.get(img.id()))
                    .isInstanceOf(UnknownFileException.class)
                    .hasMessageContaining("No such File object: " + img.id())
                    .satisfies(
                            e -> assertThat(((UnknownFileException) e).fileId()).isEqualTo(img.id()));
            loop.files().forget(batch.id());
            assertThatThrownBy(() -> files.content(batch.id())).isInstanceOf(UnknownFileException.class);
            assertThat(files.list()).isEmpty();
        }
    }
}
