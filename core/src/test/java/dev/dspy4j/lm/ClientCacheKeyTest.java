package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Image;
import dev.dspy4j.prompt.Prompt;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Transport settings and secrets are not part of the cache key. */
class ClientCacheKeyTest {

    @Test
    void clientsDifferingOnlyInKeyUrlTimeoutAndRetriesShareCacheEntries() {
        try (LoopbackServer a = LoopbackServer.start();
                LoopbackServer b = LoopbackServer.start()) {
            a.defaultReply(LoopbackServer.json(200, LoopbackServer.chatCompletion("from a")));
            b.defaultReply(LoopbackServer.json(200, LoopbackServer.chatCompletion("from b")));
            OpenAiChatWireTest.MapCache cache = new OpenAiChatWireTest.MapCache();
            OpenAiChat first = OpenAiChat.builder()
                    .model("gpt-x")
                    .baseUrl(a.url() + "/v1")
                    .apiKey("sk-one")
                    .timeout(Duration.ofSeconds(30))
                    .retryPolicy(RetryPolicy.attempts(5))
                    .cache(cache)
                    .build();
            OpenAiChat second = OpenAiChat.builder()
                    .model("gpt-x")
                    .baseUrl(b.url() + "/api/v1")
                    .apiKey("sk-two")
                    .timeout(Duration.ofSeconds(7))
                    .retryPolicy(RetryPolicy.none())
                    .header("X-Other", "1")
                    .cache(cache)
                    .build();
            LmRequest request = LmRequest.of(Prompt.builder()
                            .user()
                            .text("what is this?")
                            .media(Image.of(TestMedia.png(2048, 3)))
                            .end()
                            .build())
                    .withParam("temperature", 0.0);

            LmResponse r1 = first.complete(request);
            LmResponse r2 = second.complete(request);

            assertThat(r1.cacheHit()).isFalse();
            assertThat(r1.first().text()).isEqualTo("from a");
            assertThat(r2.cacheHit()).isTrue();
            assertThat(r2.first().text()).isEqualTo("from a");
            assertThat(r2.usage()).isEqualTo(Usage.ZERO);
            assertThat(a.requestCount()).isEqualTo(1);
            assertThat(b.requestCount()).isZero();
            assertThat(cache.map).hasSize(1);

            // a different parameter is a different key
            assertThat(second.complete(request.withParam("temperature", 1.0))
                            .first()
                            .text())
                    .isEqualTo("from b");
            assertThat(b.requestCount()).isEqualTo(1);
        }
    }
}
