package dev.dspy4j.lm.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.openai.OpenAiChat;
import java.net.http.HttpClient;
import org.junit.jupiter.api.Test;

/**
 * Request bodies stream from reused buffers, which is only sound over HTTP/1.1 (HTTP/2 slices a
 * buffer into frames that may be sent after the buffer was refilled). Every client, including
 * HTTPS ones, must therefore speak HTTP/1.1.
 */
class HttpVersionTest {

    @Test
    void httpsClientsUseHttp11() {
        HttpLanguageModel openAi = OpenAiChat.builder().model("m").cache(null).build();
        HttpLanguageModel anthropic =
                AnthropicChat.builder().model("m").cache(null).build();
        HttpLanguageModel plain = OpenAiChat.builder()
                .model("m")
                .baseUrl("http://127.0.0.1:9/v1")
                .cache(null)
                .build();
        assertThat(openAi.baseUrl().getScheme()).isEqualTo("https");
        assertThat(anthropic.baseUrl().getScheme()).isEqualTo("https");
        assertThat(openAi.httpVersion()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(anthropic.httpVersion()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(plain.httpVersion()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
}
