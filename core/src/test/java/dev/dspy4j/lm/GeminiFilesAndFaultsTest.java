package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dspy4j.lm.gemini.GeminiChat;
import dev.dspy4j.lm.gemini.GeminiFile;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Video;
import dev.dspy4j.prompt.Prompt;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Gemini's Files API uploads (streamed, once per payload) and its faults and error shapes. */
class GeminiFilesAndFaultsTest {
    private final LoopbackServer server =
            LoopbackServer.start().defaultReply(LoopbackServer.json(200, GeminiChatWireTest.answer("ok")));
    private final LoopbackServer other = LoopbackServer.start();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private static final LmRequest HELLO =
            LmRequest.of(Prompt.builder().user("hello").build());

    @AfterEach
    void stop() {
        server.close();
        other.close();
    }

    private GeminiChat.Builder client() {
        return GeminiChat.builder()
                .baseUrl(server.url() + "/v1beta")
                .model("gemini-test")
                .cache(null)
                .apiKey("AIzaSecretKey123")
                .filesPollInterval(Duration.ofMillis(5))
                .retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(2), Duration.ofMillis(5)))
                .retryListener((attempt, failure, delay) -> waits.add(delay));
    }

    private String file(String state) {
        return "{\"name\":\"files/v1\",\"uri\":\"" + server.url() + "/v1beta/files/v1\",\"mimeType\":\"video/mp4\","
                + "\"sizeBytes\":\"5000\",\"state\":\"" + state + "\",\"expirationTime\":\"2099-01-01T00:00:00Z\"}";
    }

    @Test
    void aLargeVideoIsUploadedOnceStreamedThenReferredToByUri() {
        byte[] mp4 = TestMedia.mp4(5000, 21);
        Video video = Video.of(mp4);
        byte[] png = TestMedia.png(500, 22);
        server.enqueue(
                LoopbackServer.json(
                        200,
                        "{}",
                        "X-Goog-Upload-URL",
                        server.url() + "/upload/v1beta/files?upload_id=u1",
                        "X-Goog-Upload-Status",
                        "active"),
                LoopbackServer.json(200, "{\"file\":" + file("PROCESSING") + "}", "X-Goog-Upload-Status", "final"),
                LoopbackServer.json(200, file("PROCESSING")),
                LoopbackServer.json(200, file("ACTIVE")));
        GeminiChat lm = client().filesApiAbove(1000).build();
        Prompt prompt = Prompt.builder()
                .user()
                .text("What happens?")
                .media(video)
                .media(Image.of(png))
                .end()
                .build();

        assertThat(lm.complete(LmRequest.of(prompt)).first().text()).isEqualTo("ok");

        List<LoopbackServer.Received> rs = server.requests();
        assertThat(rs).hasSize(5);
        LoopbackServer.Received start = rs.get(0);
        assertThat(start.method() + " " + start.path()).isEqualTo("POST /upload/v1beta/files");
        assertThat(start.header("X-Goog-Upload-Protocol")).isEqualTo("resumable");
        assertThat(start.header("X-Goog-Upload-Command")).isEqualTo("start");
        assertThat(start.header("X-Goog-Upload-Header-Content-Length")).isEqualTo("5000");
        assertThat(start.header("X-Goog-Upload-Header-Content-Type")).isEqualTo("video/mp4");
        assertThat(start.header("x-goog-api-key")).isEqualTo("AIzaSecretKey123");
        assertThat(start.json().path("file").path("display_name").asText())
                .isEqualTo("dspy4j-" + video.payload().digest().hex().substring(0, 16) + ".mp4");
        LoopbackServer.Received upload = rs.get(1);
        assertThat(upload.path() + "?" + upload.query()).isEqualTo("/upload/v1beta/files?upload_id=u1");
        assertThat(upload.header("X-Goog-Upload-Command")).isEqualTo("upload, finalize");
        assertThat(upload.header("X-Goog-Upload-Offset")).isEqualTo("0");
        assertThat(upload.header("Content-Length")).isEqualTo("5000");
        assertThat(upload.body()).isEqualTo(mp4);
        assertThat(rs.get(2).method() + " " + rs.get(2).path()).isEqualTo("GET /v1beta/files/v1");
        assertThat(rs.get(3).path()).isEqualTo("/v1beta/files/v1");
        JsonNode parts = rs.get(4).json().path("contents").get(0).path("parts");
        assertThat(parts.get(1).toString())
                .isEqualTo("{\"file_data\":{\"mime_type\":\"video/mp4\",\"file_uri\":\"" + server.url()
                        + "/v1beta/files/v1\"}}");
        assertThat(parts.get(2).path("inline_data").path("data").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(png));

        // the same payload again: no second upload
        lm.complete(
                LmRequest.of(Prompt.builder().user().media(Video.of(mp4)).end().build()));
        assertThat(server.requestCount()).isEqualTo(6);
        assertThat(server.last().path()).endsWith(":generateContent");
        GeminiFile known = lm.files().uploaded(video.payload());
        assertThat(known.name()).isEqualTo("files/v1");
        assertThat(known.isActive()).isTrue();
    }

    @Test
    void theKeyIsNotSentToAnUploadUrlOfAnotherOrigin() {
        other.defaultReply(LoopbackServer.json(200, "{\"file\":" + file("ACTIVE") + "}"));
        server.enqueue(LoopbackServer.json(200, "{}", "X-Goog-Upload-URL", other.url() + "/up?upload_id=u2"));
        GeminiChat lm = client().build();
        GeminiFile f = lm.files().upload(Video.of(TestMedia.mp4(3000, 5)).payload(), "clip");
        assertThat(f.uri()).isEqualTo(server.url() + "/v1beta/files/v1");
        assertThat(other.last().header("x-goog-api-key")).isNull();
        assertThat(other.last().body()).hasSize(3000);
    }

    @Test
    void aFailedUploadFailsTheCallWithTheProvidersMessageAndSendsNothingElse() {
        server.enqueue(LoopbackServer.json(
                400,
                "{\"error\":{\"code\":400,\"message\":\"Unsupported MIME type\",\"status\":\"INVALID_ARGUMENT\"}}"));
        GeminiChat lm = client().filesApiAbove(10).build();
        BadRequestException e = catchThrowableOfType(
                BadRequestException.class,
                () -> lm.complete(LmRequest.of(Prompt.builder()
                        .user()
                        .media(Video.of(TestMedia.mp4(300, 1)))
                        .end()
                        .build())));
        assertThat(e.getMessage())
                .contains("Gemini Files API")
                .contains("HTTP 400")
                .contains("Unsupported MIME type");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void rateLimitWithRetryAfterWaitsAsAskedThenSucceeds() {
        server.enqueue(LoopbackServer.json(
                429,
                "{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted\","
                        + "\"status\":\"RESOURCE_EXHAUSTED\"}}",
                "Retry-After",
                "1"));
        assertThat(client().build().complete(HELLO).first().text()).isEqualTo("ok");
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void rateLimitPastTheLastAttemptIsTypedWithGooglesStatus() {
        server.defaultReply(LoopbackServer.json(
                429, "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}"));
        RateLimitException e = catchThrowableOfType(
                RateLimitException.class, () -> client().maxAttempts(2).build().complete(HELLO));
        assertThat(e.getMessage())
                .contains("HTTP 429")
                .contains("Quota exceeded")
                .contains("[RESOURCE_EXHAUSTED]");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void serverErrorsAreRetried() {
        server.enqueue(
                LoopbackServer.json(
                        500, "{\"error\":{\"code\":500,\"message\":\"Internal error\",\"status\":\"INTERNAL\"}}"),
                LoopbackServer.json(
                        503,
                        "{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}"));
        assertThat(client().build().complete(HELLO).first().text()).isEqualTo("ok");
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(server.requests())
                .allSatisfy(r -> assertThat(r.json()).isEqualTo(server.last().json()));
    }

    @Test
    void malformedJsonAndAnAnswerWithoutCandidatesAreClearErrors() {
        server.enqueue(
                LoopbackServer.json(200, "{\"candidates\": [ {\"content\": "),
                LoopbackServer.json(200, "{\"usageMetadata\":{}}"));
        GeminiChat lm = client().build();
        LmException bad = catchThrowableOfType(LmException.class, () -> lm.complete(HELLO));
        assertThat(bad.getMessage()).contains("not valid JSON");
        LmException none = catchThrowableOfType(LmException.class, () -> lm.complete(HELLO));
        assertThat(none.getMessage()).contains("no \"candidates\"");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void googlesErrorShapesAreTypedAndAnEchoedKeyIsRedacted() {
        server.enqueue(
                LoopbackServer.json(
                        400,
                        "{\"error\":{\"code\":400,\"message\":\"API key not valid: AIzaSecretKey123\","
                                + "\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\","
                                + "\"reason\":\"API_KEY_INVALID\"}]}}"),
                LoopbackServer.json(
                        403,
                        "{\"error\":{\"code\":403,\"message\":\"Permission denied\",\"status\":\"PERMISSION_DENIED\"}}"),
                LoopbackServer.json(
                        400,
                        "{\"error\":{\"code\":400,\"message\":\"The input token count (1200000) exceeds the maximum"
                                + " number of tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}"),
                LoopbackServer.json(
                        404,
                        "{\"error\":{\"code\":404,\"message\":\"models/gemini-test is not found\",\"status\":\"NOT_FOUND\"}}"));
        GeminiChat lm = client().build();
        BadRequestException key = catchThrowableOfType(BadRequestException.class, () -> lm.complete(HELLO));
        assertThat(key.getMessage())
                .contains("API key not valid: ***")
                .contains("[INVALID_ARGUMENT]")
                .doesNotContain("AIzaSecretKey123");
        AuthenticationException denied = catchThrowableOfType(AuthenticationException.class, () -> lm.complete(HELLO));
        assertThat(denied.providerMessage()).isEqualTo("Permission denied");
        ContextWindowExceededException window =
                catchThrowableOfType(ContextWindowExceededException.class, () -> lm.complete(HELLO));
        assertThat(window.status()).isEqualTo(400);
        BadRequestException notFound = catchThrowableOfType(BadRequestException.class, () -> lm.complete(HELLO));
        assertThat(notFound.getMessage()).contains("[NOT_FOUND]");
        assertThat(server.requestCount()).isEqualTo(4);
    }
}
