package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.openai.AzureOpenAiChat;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Video;
import dev.dspy4j.prompt.Prompt;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Azure OpenAI: deployment and v1 URLs, the api-key header, the OpenAI body, Azure's error shapes and content filter. */
class AzureOpenAiChatWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackServer server = LoopbackServer.start();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private static final LmRequest HELLO =
            LmRequest.of(Prompt.builder().user("hello").build());

    @AfterEach
    void stop() {
        server.close();
    }

    private AzureOpenAiChat.Builder client() {
        return AzureOpenAiChat.builder()
                .endpoint(server.url())
                .deployment("gpt-4o-prod")
                .apiKey("azure-secret-key-1")
                .cache(null)
                .retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(2), Duration.ofMillis(5)))
                .retryListener((attempt, failure, delay) -> waits.add(delay));
    }

    @Test
    void deploymentUrlWithApiVersionApiKeyHeaderAndTheOpenAiBody() throws Exception {
        byte[] png = TestMedia.png(3000, 4);
        LmResponse r = client().temperature(0.2)
                .build()
                .complete(LmRequest.of(Prompt.builder()
                        .system("Be brief.")
                        .user()
                        .text("What is it?")
                        .media(Image.of(png))
                        .end()
                        .build()));

        LoopbackServer.Received got = server.last();
        assertThat(got.path()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions");
        assertThat(got.query()).isEqualTo("api-version=2024-10-21");
        assertThat(got.header("api-key")).isEqualTo("azure-secret-key-1");
        assertThat(got.header("Authorization")).isNull();
        assertThat(got.json())
                .isEqualTo(JSON.readTree("""
                {"model":"gpt-4o-prod","temperature":0.2,"messages":[{"role":"system","content":"Be brief."},
                 {"role":"user","content":[{"type":"text","text":"What is it?"},
                   {"type":"image_url","image_url":{"url":"data:image/png;base64,%s"}}]}]}
                """.formatted(Base64.getEncoder().encodeToString(png))));
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(r.usage()).isEqualTo(new Usage(11, 3));
    }

    @Test
    void theV1ApiAndAnotherApiVersion() {
        client().v1().build().complete(HELLO);
        assertThat(server.last().path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(server.last().query()).isNull();
        assertThat(server.last().json().path("model").asText()).isEqualTo("gpt-4o-prod");
        AzureOpenAiChat preview = client().apiVersion("2025-04-01-preview").build();
        preview.complete(HELLO);
        assertThat(server.last().query()).isEqualTo("api-version=2025-04-01-preview");
        assertThat(preview.toString()).doesNotContain("azure-secret-key-1").doesNotContain("api-version");
    }

    @Test
    void aPromptBlockedByTheContentFilterNamesTheCategoriesAndIsNotRetried() {
        server.enqueue(LoopbackServer.json(400, """
                {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
                  "type":null,"param":"prompt","code":"content_filter","status":400,
                  "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{
                    "hate":{"filtered":true,"severity":"high"},"jailbreak":{"filtered":false,"detected":false},
                    "self_harm":{"filtered":false,"severity":"safe"},"violence":{"filtered":true,"severity":"medium"}}}}}
                """));
        ContentBlockedException e = catchThrowableOfType(
                ContentBlockedException.class, () -> client().build().complete(HELLO));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.reason()).isEqualTo("content_filter");
        assertThat(e.categories()).containsExactly("hate", "violence");
        assertThat(e.promptBlocked()).isTrue();
        assertThat(e.getMessage())
                .contains("HTTP 400")
                .contains("content management policy")
                .contains("(filtered: hate, violence)");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void anAnswerBlockedByTheContentFilterThrowsAndBesideAnAnswerIsARefusal() {
        server.enqueue(LoopbackServer.json(200, """
                {"choices":[{"index":0,"finish_reason":"content_filter","message":{"role":"assistant","content":null},
                  "content_filter_results":{"sexual":{"filtered":true,"severity":"medium"},"hate":{"filtered":false,"severity":"safe"}}}],
                 "usage":{"prompt_tokens":5,"completion_tokens":0}}
                """), LoopbackServer.json(200, """
                {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"fine"}},
                  {"index":1,"finish_reason":"content_filter","message":{"role":"assistant","content":""},
                   "content_filter_results":{"violence":{"filtered":true,"severity":"high"}}}]}
                """));
        AzureOpenAiChat lm = client().build();
        ContentBlockedException e = catchThrowableOfType(ContentBlockedException.class, () -> lm.complete(HELLO));
        assertThat(e.categories()).containsExactly("sexual");
        assertThat(e.promptBlocked()).isFalse();
        LmResponse r = lm.complete(HELLO.withN(2));
        assertThat(r.first().text()).isEqualTo("fine");
        assertThat(r.completions().get(1).refusal()).isEqualTo("blocked (content_filter: violence)");
    }

    @Test
    void faultsAndAzuresErrorShapes() {
        server.enqueue(
                LoopbackServer.json(
                        429,
                        "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation"
                                + " have exceeded token rate limit. Please retry after 1 second.\"}}",
                        "Retry-After",
                        "1"),
                LoopbackServer.json(
                        500,
                        "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"Backend returned unexpected response.\"}}"),
                LoopbackServer.json(200, LoopbackServer.chatCompletion("ok")),
                LoopbackServer.json(200, "{\"choices\": [ {\"mess"),
                LoopbackServer.json(
                        404,
                        "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API deployment for this"
                                + " resource does not exist.\"}}"),
                LoopbackServer.json(
                        401,
                        "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key"
                                + " azure-secret-key-1 or wrong API endpoint.\"}}"));
        AzureOpenAiChat lm = client().build();
        assertThat(lm.complete(HELLO).first().text()).isEqualTo("ok");
        assertThat(waits).hasSize(2);
        assertThat(waits.get(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(catchThrowableOfType(LmException.class, () -> lm.complete(HELLO))
                        .getMessage())
                .contains("not valid JSON");
        BadRequestException notFound = catchThrowableOfType(BadRequestException.class, () -> lm.complete(HELLO));
        assertThat(notFound.getMessage())
                .contains("Azure OpenAI at")
                .contains("[DeploymentNotFound]")
                .doesNotContain("api-version");
        AuthenticationException denied = catchThrowableOfType(AuthenticationException.class, () -> lm.complete(HELLO));
        assertThat(denied.getMessage()).contains("invalid subscription key ***").doesNotContain("azure-secret-key-1");
        assertThat(server.requestCount()).isEqualTo(6);
    }

    @Test
    void refusesVideoAndAMisplacedEndpointBeforeSending() {
        assertThatThrownBy(() -> client().build()
                        .complete(LmRequest.of(Prompt.builder()
                                .user()
                                .media(Video.of(TestMedia.mp4(500, 1)))
                                .end()
                                .build())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no video input");
        assertThatThrownBy(() -> AzureOpenAiChat.builder().endpoint("https://r.openai.azure.com/openai/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resource endpoint only");
        assertThatThrownBy(() -> AzureOpenAiChat.builder().deployment("d").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("endpoint");
        assertThatThrownBy(() -> AzureOpenAiChat.builder().apiVersion("latest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2024-10-21");
        assertThat(server.requestCount()).isZero();
    }
}
