package dev.dspy4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.gemini.GeminiChat;
import dev.dspy4j.lm.openai.AzureOpenAiChat;
import dev.dspy4j.lm.openai.OpenAiResponses;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.state.LmSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --lm gemini/...}, {@code --lm azure/...} and {@code --lm openai-responses/...} make working clients. */
class ProvidersTest {
    private HttpServer server;
    private final List<String> paths = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        server.createContext("/", ex -> {
            paths.add(ex.getRequestURI().toString());
            ex.getRequestBody().readAllBytes();
            String body = ex.getRequestURI().getPath().endsWith(":generateContent")
                    ? "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"gem\"}]},\"finishReason\":\"STOP\"}]}"
                    : ex.getRequestURI().getPath().endsWith("/responses")
                            ? "{\"object\":\"response\",\"status\":\"completed\",\"output\":[{\"type\":\"message\",\"content\":["
                                    + "{\"type\":\"output_text\",\"text\":\"resp\"}]}]}"
                            : "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"az\"},\"finish_reason\":\"stop\"}]}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void geminiAndAzureClientsReachTheirEndpoints() {
        LanguageModel gemini = Providers.create(
                "gemini", "gemini-2.5-flash", url() + "/v1beta", null, Map.of(), null, Duration.ofSeconds(5), 1);
        assertThat(gemini).isInstanceOf(GeminiChat.class);
        assertThat(gemini.complete(LmRequest.of(Prompt.builder().user("hi").build()))
                        .first()
                        .text())
                .isEqualTo("gem");
        LanguageModel azure =
                Providers.create("azure", "gpt-4o-prod", url(), null, Map.of(), null, Duration.ofSeconds(5), 1);
        assertThat(azure).isInstanceOf(AzureOpenAiChat.class);
        assertThat(azure.complete(LmRequest.of(Prompt.builder().user("hi").build()))
                        .first()
                        .text())
                .isEqualTo("az");
        assertThat(paths)
                .containsExactly(
                        "/v1beta/models/gemini-2.5-flash:generateContent",
                        "/openai/deployments/gpt-4o-prod/chat/completions?api-version="
                                + AzureOpenAiChat.DEFAULT_API_VERSION);
    }

    @Test
    void openAiResponsesReachesTheResponsesEndpointAndIsSavedUnderItsName() {
        LanguageModel lm = Providers.create(
                "openai-responses",
                "gpt-5-mini",
                url() + "/v1",
                null,
                Map.of("reasoning_effort", "low"),
                null,
                Duration.ofSeconds(5),
                1);
        assertThat(lm).isInstanceOf(OpenAiResponses.class);
        assertThat(lm.complete(LmRequest.of(Prompt.builder().user("hi").build()))
                        .first()
                        .text())
                .isEqualTo("resp");
        assertThat(paths).containsExactly("/v1/responses");
        LmSettings saved = LmSettings.of(lm);
        assertThat(saved.qualifiedModel()).isEqualTo("openai-responses/gpt-5-mini");
        assertThat(saved.baseUrl()).isEqualTo(url() + "/v1");
        assertThat(saved.params()).containsEntry("reasoning_effort", "low");
    }

    @Test
    void unknownProvidersListTheFive() {
        assertThatThrownBy(() -> Providers.create("bedrock", "m", null, null, Map.of(), null, Duration.ofSeconds(5), 1))
                .isInstanceOf(Providers.UsageException.class)
                .hasMessageContaining("openai, openai-responses, anthropic, gemini or azure");
    }
}
