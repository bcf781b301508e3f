package dev.dspy4j.lm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.gemini.GeminiChat;
import dev.dspy4j.lm.openai.OpenAiChat;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import org.junit.jupiter.api.Test;

/** apiKeyFromEnv with no key fails at build unless the server is on loopback; unresolvable hosts are named. */
class ApiKeyFromEnvTest {
    private static final String UNSET = "DSPY4J_TEST_SURELY_UNSET_VARIABLE";

    @Test
    void noKeyInTheEnvironmentFailsAtBuildForARemoteProvider() {
        assertThatThrownBy(() -> OpenAiChat.builder()
                        .model("gpt-4o-mini")
                        .apiKeyFromEnv(UNSET)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(UNSET + " is not set: apiKeyFromEnv() found no API key for https://api.openai.com/v1; set "
                        + UNSET + ", give apiKey(...), or use a baseUrl on loopback (127.0.0.1, localhost, ::1), "
                        + "which needs no key");
        assertThatThrownBy(() -> AnthropicChat.builder()
                        .model("claude")
                        .apiKeyFromEnv(UNSET)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(UNSET + " is not set");
        assertThatThrownBy(() -> OpenAiChat.builder()
                        .model("m")
                        .apiKeyFromEnv(UNSET)
                        .baseUrl("https://my-gateway.example.com/v1")
                        .build())
                .hasMessageStartingWith(UNSET + " is not set");
    }

    @Test
    void withFallbacksTheFirstSetVariableIsUsedAndAFailureNamesEveryVariableTried() {
        String unset2 = UNSET + "_TOO";
        assertThatThrownBy(() -> GeminiChat.builder()
                        .model("gemini-2.5-flash")
                        .apiKeyFromEnv(UNSET, unset2)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(UNSET + " (or " + unset2 + ") is not set: apiKeyFromEnv() found no API key for "
                        + "https://generativelanguage.googleapis.com/")
                .hasMessageContaining("; set " + UNSET + " (or " + unset2 + "), give apiKey(...)");
        // PATH is set wherever tests run: a fallback that is set supplies the key, and nothing fails
        GeminiChat chat = GeminiChat.builder()
                .model("gemini-2.5-flash")
                .apiKeyFromEnv(UNSET, unset2, "PATH")
                .build();
        assertThat(chat.toString()).doesNotContain(System.getenv("PATH"));
    }

    @Test
    void aLoopbackServerOrAnExplicitKeyNeedsNoEnvironmentKey() {
        for (String url : new String[] {
            "http://127.0.0.1:8000/v1", "http://localhost:1234/v1", "http://[::1]:8000/v1", "http://127.1.2.3/v1"
        }) {
            assertThat(OpenAiChat.builder()
                            .model("m")
                            .apiKeyFromEnv(UNSET)
                            .baseUrl(url)
                            .build()
                            .hasApiKey())
                    .isFalse();
        }
        assertThat(OpenAiChat.builder()
                        .model("m")
                        .apiKeyFromEnv(UNSET)
                        .apiKey("sk-given")
                        .build()
                        .hasApiKey())
                .isTrue();
        assertThat(HttpBuilderBase.isLoopback("127.0.0.1.example.com")).isFalse();
        assertThat(HttpBuilderBase.isLoopback("localhost.evil")).isFalse();
    }

    @Test
    void anUnresolvableHostIsNamedAsSuch() {
        ConnectException e = new ConnectException();
        e.initCause(new UnresolvedAddressException());
        assertThat(HttpAttempt.unresolvedHost(e, "api.openai.com")).isEqualTo("cannot resolve host api.openai.com");
        assertThat(HttpAttempt.unresolvedHost(new ConnectException("refused"), "127.0.0.1"))
                .isNull();
    }
}
