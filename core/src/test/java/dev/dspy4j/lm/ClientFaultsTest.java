package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.prompt.Prompt;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries, timeouts and typed errors against a loopback server that misbehaves on purpose. */
class ClientFaultsTest {
    private final LoopbackServer server = LoopbackServer.start();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final List<LmException> failures = new CopyOnWriteArrayList<>();
    private static final LmRequest HELLO =
            LmRequest.of(Prompt.builder().user("hello").build());
    private static final RetryPolicy FAST =
            RetryPolicy.defaults().withBackoff(Duration.ofMillis(5), Duration.ofMillis(20));

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiChat.Builder client() {
        return OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-test")
                .cache(null)
                .retryPolicy(FAST)
                .retryListener((attempt, failure, delay) -> {
                    waits.add(delay);
                    failures.add(failure);
                });
    }

    @Test
    void rateLimitWithRetryAfterWaitsAsAskedThenSucceeds() {
        server.enqueue(LoopbackServer.json(
                429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}", "Retry-After", "1"));
        LmResponse r = client().build().complete(HELLO);
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void twoServerErrorsThenSuccess() {
        server.enqueue(
                LoopbackServer.json(500, "{\"error\":{\"message\":\"boom\"}}"),
                LoopbackServer.json(503, "upstream unavailable"));
        LmResponse r = client().build().complete(HELLO);
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(waits).hasSize(2);
        assertThat(server.requests())
                .allSatisfy(
                        req -> assertThat(req.json()).isEqualTo(server.last().json()));
    }

    @Test
    void serverErrorsPastTheLastAttemptRaiseServerException() {
        server.defaultReply(LoopbackServer.json(500, "{\"error\":{\"message\":\"boom\",\"code\":\"internal\"}}"));
        ServerException e = catchThrowableOfType(
                ServerException.class, () -> client().build().complete(HELLO));
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.providerMessage()).isEqualTo("boom");
        assertThat(e.getMessage()).contains("HTTP 500").contains("boom").contains("attempt 3 of 3");
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void connectionDroppedMidResponseIsRetried() {
        server.enqueue(LoopbackServer.dropMidResponse());
        LmResponse r = client().timeout(Duration.ofSeconds(20)).build().complete(HELLO);
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(failures)
                .singleElement()
                .satisfies(f -> assertThat(f.getMessage()).contains("connection failed"));
    }

    @Test
    void responseSlowerThanTheTimeoutRaisesTimeout() {
        server.defaultReply(LoopbackServer.delayed(
                Duration.ofSeconds(5), LoopbackServer.json(200, LoopbackServer.chatCompletion("late"))));
        OpenAiChat lm = client().timeout(Duration.ofMillis(300))
                .retryPolicy(FAST.withMaxAttempts(2))
                .build();
        LmTimeoutException e = catchThrowableOfType(LmTimeoutException.class, () -> lm.complete(HELLO));
        assertThat(e.getMessage()).contains("PT0.3S").contains("attempt 2 of 2");
        assertThat(e.status()).isZero();
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void malformedJsonIsAClearErrorAndNotRetried() {
        server.enqueue(LoopbackServer.json(200, "{\"choices\": [ {\"message\": "));
        LmException e =
                catchThrowableOfType(LmException.class, () -> client().build().complete(HELLO));
        assertThat(e.status()).isEqualTo(200);
        assertThat(e.getMessage()).contains("not valid JSON").contains("{\"choices\"");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void jsonWithoutChoicesIsAClearError() {
        server.enqueue(LoopbackServer.json(200, "{\"object\":\"chat.completion\"}"));
        assertThatThrownBy(() -> client().build().complete(HELLO))
                .isInstanceOf(LmException.class)
                .hasMessageContaining("no \"choices\"");
    }

    @Test
    void unauthorizedIsOneAttemptAndAClearError() {
        server.defaultReply(
                LoopbackServer.json(
                        401,
                        "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        AuthenticationException e = catchThrowableOfType(
                AuthenticationException.class,
                () -> client().apiKeyFromEnv("DSPY4J_TEST_SURELY_UNSET_VARIABLE")
                        .build()
                        .complete(HELLO));
        assertThat(server.requestCount()).isEqualTo(1);
        assertThat(waits).isEmpty();
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.providerMessage()).isEqualTo("Incorrect API key provided");
        assertThat(e.getMessage())
                .contains("HTTP 401")
                .contains("Incorrect API key provided")
                .contains("DSPY4J_TEST_SURELY_UNSET_VARIABLE is not set");
    }

    @Test
    void clientErrorsAreNotRetriedAndTyped() {
        server.enqueue(
                LoopbackServer.json(
                        400,
                        "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens."
                                + " However, your messages resulted in 9000 tokens.\",\"code\":\"context_length_exceeded\"}}"),
                LoopbackServer.json(400, "{\"error\":{\"message\":\"temperature must be <= 2\"}}"),
                LoopbackServer.json(404, "{\"error\":{\"message\":\"model not found\"}}"),
                LoopbackServer.json(403, "{\"error\":{\"message\":\"no access\"}}"));
        OpenAiChat lm = client().build();
        ContextWindowExceededException c =
                catchThrowableOfType(ContextWindowExceededException.class, () -> lm.complete(HELLO));
        assertThat(c.providerMessage()).contains("maximum context length");
        BadRequestException b = catchThrowableOfType(BadRequestException.class, () -> lm.complete(HELLO));
        assertThat(b).isNotInstanceOf(ContextWindowExceededException.class);
        assertThat(b.status()).isEqualTo(400);
        assertThat(b.providerMessage()).isEqualTo("temperature must be <= 2");
        BadRequestException nf = catchThrowableOfType(BadRequestException.class, () -> lm.complete(HELLO));
        assertThat(nf.status()).isEqualTo(404);
        assertThat(catchThrowableOfType(AuthenticationException.class, () -> lm.complete(HELLO))
                        .status())
                .isEqualTo(403);
        assertThat(server.requestCount()).isEqualTo(4);
        assertThat(waits).isEmpty();
    }

    @Test
    void retryAfterLongerThanAllowedGivesUpAtOnce() {
        server.defaultReply(LoopbackServer.json(429, "{\"error\":{\"message\":\"quota\"}}", "Retry-After", "3600"));
        RateLimitException e = catchThrowableOfType(
                RateLimitException.class, () -> client().build().complete(HELLO));
        assertThat(e.retryAfter()).isEqualTo(Duration.ofHours(1));
        assertThat(e.status()).isEqualTo(429);
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void connectionRefusedIsRetriedThenReported() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        OpenAiChat lm = client().baseUrl("http://127.0.0.1:" + port + "/v1").build();
        LmException e = catchThrowableOfType(LmException.class, () -> lm.complete(HELLO));
        assertThat(e.status()).isZero();
        assertThat(e.getMessage())
                .contains("connection failed")
                .contains("attempt 3 of 3")
                .contains("127.0.0.1:" + port);
        assertThat(waits).hasSize(2);
    }

    @Test
    void payloadThatCannotBeReadFailsWithThePayloadError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path f = TestMedia.pngFile(dir, "a.png", 50_000, 1);
        dev.dspy4j.media.Image img = dev.dspy4j.media.Image.of(f);
        java.nio.file.Files.write(f, TestMedia.png(60_000, 2));
        OpenAiChat lm = client().build();
        assertThatThrownBy(() -> lm.complete(
                        LmRequest.of(Prompt.builder().user().media(img).end().build())))
                .isInstanceOf(dev.dspy4j.media.PayloadException.class)
                .hasMessageContaining("changed");
        assertThat(waits).isEmpty();
    }
}
