package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.media.Video;
import dev.dspy4j.module.Predict;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Video as a media type: sniffed, formatted as a part, keyed by digest, refused by the APIs without video input. */
class VideoInputTest {
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] webm() {
        byte[] b = new byte[64];
        byte[] head = {
            0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) 0x9F, 0x42, (byte) 0x82, (byte) 0x84, 'w', 'e', 'b', 'm'
        };
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    @Test
    void videoTypesAreSniffedAndWebmAndMp4ContainersAreTakenAsVideo() {
        assertThat(Video.of(TestMedia.mp4(500, 1)).payload().mediaType()).isEqualTo(MediaType.MP4);
        assertThat(Video.of(webm()).payload().mediaType()).isEqualTo(MediaType.WEBM_VIDEO);
        // the container cannot tell audio from video: either declaration agrees with the bytes
        assertThat(Payload.of(TestMedia.mp4(500, 1), MediaType.M4A).mediaType()).isEqualTo(MediaType.M4A);
        assertThat(Payload.of(webm(), MediaType.WEBM_VIDEO).mediaType()).isEqualTo(MediaType.WEBM_VIDEO);
        assertThatThrownBy(() -> Video.of(TestMedia.png(100, 1)))
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("image/png, not video")
                .hasMessageContaining("video/mp4");
        assertThatThrownBy(() -> Payload.of(TestMedia.png(100, 1), MediaType.MP4))
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("declared video/mp4 but its bytes are image/png");
    }

    @Test
    void aVideoInputBecomesAVideoPartAndItsDigestIsItsKey() {
        ScriptedLm lm = ScriptedLm.of(
                "[[ ## summary ## ]]\na cat\n\n[[ ## completed ## ]]",
                "[[ ## summary ## ]]\na dog\n\n[[ ## completed ## ]]");
        Predict p = Predict.of("clip: Video -> summary").withLm(lm);
        Video a = Video.of(TestMedia.mp4(800, 1));
        assertThat(p.call(Map.of("clip", a)).get("summary", String.class)).isEqualTo("a cat");
        Prompt prompt = lm.lastRequest().prompt();
        assertThat(prompt.messages().get(1).parts()).contains(new Part.VideoPart(a));
        LmRequest same = lm.lastRequest();
        p.call(Map.of("clip", Video.of(TestMedia.mp4(800, 2))));
        byte[] bytes = TestMedia.mp4(800, 1);
        assertThat(CacheKey.of(
                        "m",
                        LmRequest.of(Prompt.builder()
                                .user()
                                .media(Video.of(bytes))
                                .end()
                                .build())))
                .isEqualTo(CacheKey.of(
                        "m",
                        LmRequest.of(Prompt.builder()
                                .user()
                                .media(Video.of(bytes.clone()))
                                .end()
                                .build())));
        assertThat(CacheKey.of("m", same)).isNotEqualTo(CacheKey.of("m", lm.lastRequest()));
    }

    @Test
    void openAiAndAnthropicRefuseVideoBeforeSendingNamingIt() {
        LmRequest req = LmRequest.of(Prompt.builder()
                .user()
                .text("What happens?")
                .media(Video.of(TestMedia.mp4(800, 1)))
                .end()
                .build());
        assertThatThrownBy(() -> OpenAiChat.builder()
                        .baseUrl(server.url())
                        .model("gpt-4o")
                        .cache(null)
                        .build()
                        .complete(req))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("video in-memory")
                .hasMessageContaining("video/mp4")
                .hasMessageContaining("OpenAI chat completions has no video input")
                .hasMessageContaining("GeminiChat");
        assertThatThrownBy(() -> AnthropicChat.builder()
                        .baseUrl(server.url())
                        .model("claude")
                        .cache(null)
                        .build()
                        .complete(req))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the Anthropic Messages API has no video input");
        assertThat(server.requestCount()).isZero();
    }
}
