package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.openai.OpenAiResponses;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Signature;
import dev.dspy4j.testing.LoopbackChatServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenAiResponses against the loopback chat server's Responses endpoint, plain and streamed. */
class OpenAiResponsesLoopbackTest {

    @Test
    void aProgramRunsAgainstTheLoopbackResponsesEndpointPlainAndStreamed() {
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                .keepBodies(true)
                .answer(LoopbackChatServer.chatAnswer("label", "cat"))
                .start()) {
            OpenAiResponses lm = OpenAiResponses.builder()
                    .baseUrl(server.baseUrl())
                    .model("loopback")
                    .cache(null)
                    .build();
            Predict classify =
                    Predict.of(Signature.parse("image: Image -> label")).withLm(lm);
            Prediction plain = classify.call(Map.of("image", Image.of(TestMedia.png(2000, 1))));
            assertThat(plain.getString("label")).isEqualTo("cat");
            assertThat(plain.usage()).isEqualTo(new Usage(100, 10));

            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            Prediction streamed =
                    classify.stream(Map.of("image", Image.of(TestMedia.png(2000, 2))), c -> seen.add(c.text()));
            assertThat(streamed.getString("label")).isEqualTo("cat");
            assertThat(String.join("", seen)).isEqualTo("cat");

            assertThat(server.received())
                    .extracting(LoopbackChatServer.Received::path)
                    .containsExactly("/v1/responses", "/v1/responses");
            assertThat(server.received().get(1).bodyText()).startsWith("{\"model\":\"loopback\",\"stream\":true,");
        }
    }
}
