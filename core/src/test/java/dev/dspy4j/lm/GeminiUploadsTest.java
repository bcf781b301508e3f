package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.gemini.GeminiChat;
import dev.dspy4j.lm.upload.MemoryUploadRegistry;
import dev.dspy4j.lm.upload.Upload;
import dev.dspy4j.media.Image;
import dev.dspy4j.prompt.Prompt;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gemini with {@code uploads(registry)}: every non-text payload by file URI, recorded in the registry, streamed calls too. */
class GeminiUploadsTest {
    private final LoopbackServer server =
            LoopbackServer.start().defaultReply(LoopbackServer.json(200, GeminiChatWireTest.answer("ok")));

    @AfterEach
    void stop() {
        server.close();
    }

    private String file() {
        return "{\"name\":\"files/img1\",\"uri\":\"" + server.url() + "/v1beta/files/img1\",\"mimeType\":\"image/png\","
                + "\"sizeBytes\":\"500\",\"state\":\"ACTIVE\",\"expirationTime\":\"2099-01-01T00:00:00Z\"}";
    }

    @Test
    void aStreamedCallUploadsTheImageOnceThenRefersToItsUri() {
        byte[] png = TestMedia.png(500, 9);
        server.enqueue(
                LoopbackServer.json(200, "{}", "X-Goog-Upload-URL", server.url() + "/upload/v1beta/files?upload_id=u9"),
                LoopbackServer.json(200, "{\"file\":" + file() + "}"),
                ex -> {
                    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(
                                ("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"stre\"}]}}]}\n\n"
                                                + "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"amed\"}]},"
                                                + "\"finishReason\":\"STOP\"}]}\n\n")
                                        .getBytes(StandardCharsets.UTF_8));
                    }
                });
        MemoryUploadRegistry registry = new MemoryUploadRegistry();
        GeminiChat lm = GeminiChat.builder()
                .baseUrl(server.url() + "/v1beta")
                .model("gemini-test")
                .cache(null)
                .apiKey("AIzaSecretKey123")
                .filesPollInterval(Duration.ofMillis(5))
                .uploads(registry)
                .build();
        assertThat(lm.filesApiAbove()).isZero();
        Prompt prompt =
                Prompt.builder().user().text("what?").media(Image.of(png)).end().build();

        List<String> deltas = new ArrayList<>();
        LmResponse r;
        try (var scope = CallContext.streamingTo(deltas::add)) {
            r = lm.complete(LmRequest.of(prompt));
        }

        assertThat(deltas).containsExactly("stre", "amed");
        assertThat(r.first().text()).isEqualTo("streamed");
        List<LoopbackServer.Received> rs = server.requests();
        assertThat(rs).hasSize(3);
        assertThat(rs.get(0).path()).isEqualTo("/upload/v1beta/files");
        assertThat(rs.get(1).body()).isEqualTo(png);
        assertThat(rs.get(2).path()).isEqualTo("/v1beta/models/gemini-test:streamGenerateContent");
        assertThat(rs.get(2).json().path("contents").get(0).path("parts").get(1).toString())
                .isEqualTo("{\"file_data\":{\"mime_type\":\"image/png\",\"file_uri\":\"" + server.url()
                        + "/v1beta/files/img1\"}}");
        assertThat(registry.list()).extracting(Upload::fileId).containsExactly(server.url() + "/v1beta/files/img1");
        assertThat(registry.list().get(0).provider()).isEqualTo("gemini");

        // the same image in another (unstreamed) call: no upload
        lm.complete(LmRequest.of(Prompt.builder()
                .user()
                .text("again?")
                .media(Image.of(png))
                .end()
                .build()));
        assertThat(server.requestCount()).isEqualTo(4);
        assertThat(server.last().path()).endsWith(":generateContent");
    }
}
