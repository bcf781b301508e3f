package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.http.HttpLanguageModel;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.prompt.Prompt;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An API key never shows in toString, history, exceptions (messages, causes, stack traces) or cache keys. */
class ClientSecretsTest {
    private static final String KEY = "sk-test-SECRET-5f3a9c0d1e";
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static String everything(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w + "\n" + t;
    }

    @Test
    void keyIsAbsentFromEverythingPrintedEvenWhenTheServerEchoesIt() {
        RetryPolicy fast = RetryPolicy.attempts(2).withBackoff(Duration.ofMillis(1), Duration.ofMillis(2));
        List<HttpLanguageModel> lms = List.of(
                OpenAiChat.builder()
                        .baseUrl(server.url() + "/v1")
                        .model("m")
                        .apiKey(KEY)
                        .cache(null)
                        .retryPolicy(fast)
                        .build(),
                AnthropicChat.builder()
                        .baseUrl(server.url())
                        .model("c")
                        .apiKey(KEY)
                        .cache(null)
                        .retryPolicy(fast)
                        .build());
        LmRequest hello =
                LmRequest.of(Prompt.builder().system("sys").user("hello").build());
        List<String> printed = new ArrayList<>();
        for (HttpLanguageModel lm : lms) {
            server.enqueue(
                    LoopbackServer.json(
                            401,
                            "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\",\"code\":\"" + KEY
                                    + "\"}}"),
                    LoopbackServer.json(500, "internal error for key " + KEY),
                    LoopbackServer.json(500, "{\"error\":{\"message\":\"again " + KEY + "\"}}"),
                    LoopbackServer.json(400, "{\"error\":{\"message\":\"bad " + KEY + "\"}}"),
                    LoopbackServer.json(200, "{\"broken\": \"" + KEY),
                    LoopbackServer.json(
                            200,
                            lm instanceof OpenAiChat
                                    ? LoopbackServer.chatCompletion("fine")
                                    : LoopbackServer.anthropicMessage("fine")));
            for (int i = 0; i < 4; i++) {
                Throwable t = catchThrowable(() -> lm.complete(hello));
                assertThat(t).isInstanceOf(LmException.class);
                printed.add(everything(t));
                LmException e = (LmException) t;
                printed.add(String.valueOf(e.providerMessage()));
            }
            assertThat(lm.complete(hello).first().text()).isEqualTo("fine");
            printed.add(lm.toString());
            printed.add(lm.inspectHistory(10));
            printed.add(lm.history().last(10).toString());
        }
        // the key did reach the server, so the check below is not vacuous
        assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(server.last().header("x-api-key")).isEqualTo(KEY);
        assertThat(printed).hasSizeGreaterThan(10);
        assertThat(String.join("\n", printed))
                .doesNotContain(KEY)
                .doesNotContain("5f3a9c0d1e")
                .contains("***");
        assertThat(printed.get(0)).contains("HTTP 401").contains("Incorrect API key provided");
    }

    @Test
    void credentialHeadersAreRedactedToo() {
        String azureKey = "azure-SECRET-0a1b2c3d4e";
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/openai")
                .model("m")
                .cache(null)
                .header("api-key", azureKey)
                .retryPolicy(RetryPolicy.none())
                .build();
        server.enqueue(LoopbackServer.json(401, "{\"error\":{\"message\":\"bad key " + azureKey + "\"}}"));
        Throwable t = catchThrowable(
                () -> lm.complete(LmRequest.of(Prompt.builder().user("x").build())));
        assertThat(server.last().header("api-key")).isEqualTo(azureKey);
        assertThat(everything(t) + ((LmException) t).providerMessage() + lm)
                .doesNotContain(azureKey)
                .contains("bad key ***");
        assertThat(lm.headerNames()).containsExactly("api-key");
    }

    /** A password in the base URL (user:password@host) is a credential too. */
    @Test
    void aPasswordInTheBaseUrlIsNeverPrintedNorSaved() {
        String password = "pw-SECRET-9e8d7c";
        String base = server.url().replace("http://", "http://proxyuser:" + password + "@") + "/v1";
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl(base)
                .model("m")
                .cache(null)
                .retryPolicy(RetryPolicy.none())
                .build();
        server.enqueue(LoopbackServer.json(500, "{\"error\":{\"message\":\"upstream down\"}}"));
        Throwable t = catchThrowable(
                () -> lm.complete(LmRequest.of(Prompt.builder().user("x").build())));
        assertThat(t).isInstanceOf(LmException.class).hasMessageContaining("upstream down");
        String saved = String.valueOf(dev.dspy4j.state.LmSettings.of(lm).baseUrl());
        assertThat(everything(t) + lm + saved).doesNotContain(password);
        assertThat(saved).isEqualTo(server.url() + "/v1");
        assertThat(lm.toString()).contains(server.url().replace("http://", "") + "/v1");
    }

    @Test
    void settingsErrorsDoNotEchoValues() {
        Throwable t = catchThrowable(() -> OpenAiChat.builder().header("Authorization", "Bearer sk-\u0001hidden"));
        assertThat(t).isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("hidden");
        assertThat(catchThrowable(() -> OpenAiChat.builder().header("Content-Length", "3")))
                .hasMessageContaining("Content-Length");
    }

    /** A very short key is redacted where it stands as a key, and the rest of the message stays readable. */
    @Test
    void aVeryShortKeyIsRedactedOnlyWhereItStandsAsAToken() {
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("m")
                .apiKey("k")
                .cache(null)
                .retryPolicy(RetryPolicy.none())
                .build();
        server.enqueue(LoopbackServer.json(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided: k. Check the key at https://keys.example/?key=k&x=1\","
                        + "\"code\":\"invalid_api_key\"}}"));
        LmException e = (LmException) catchThrowable(
                () -> lm.complete(LmRequest.of(Prompt.builder().user("x").build())));
        assertThat(server.last().header("Authorization")).isEqualTo("Bearer k");
        assertThat(e.providerMessage())
                .isEqualTo("Incorrect API key provided: ***. Check the key at https://keys.example/?key=***&x=1");
        assertThat(e.getMessage())
                .contains("[invalid_api_key]")
                .contains(" at " + server.url() + "/v1/chat/completions")
                .doesNotContain("***nown")
                .doesNotContain(": k.");

        server.enqueue(LoopbackServer.json(404, "{\"error\":{\"message\":\"unknown model kk-1; k\"}}"));
        LmException e2 = (LmException) catchThrowable(
                () -> lm.complete(LmRequest.of(Prompt.builder().user("x").build())));
        assertThat(e2.providerMessage()).isEqualTo("unknown model kk-1; ***");
    }
}
