package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.lm.openai.OpenAiResponses;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI caches prompt prefixes by itself (1024 tokens or more, matched byte for byte): the request
 * bodies of two rows of a program with demos must be identical up to where the row's own message
 * starts, for chat completions and for the Responses API.
 */
class OpenAiPrefixStabilityTest {
    private static final String ANSWER = "[[ ## label ## ]]\ncat\n\n[[ ## completed ## ]]";
    private static final Signature LABEL = Signature.parse("image: Image, question -> label");

    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private static List<Example> demos() {
        List<Example> demos = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            demos.add(Example.of(
                    "image",
                    Image.of(TestMedia.png(4000 + i, 10 + i)),
                    "question",
                    "what is it?",
                    "label",
                    "cat " + i));
        }
        return demos;
    }

    /** Runs two rows and returns their bodies. */
    private List<String> twoRows(LanguageModel lm) {
        Predict p = Predict.of(LABEL).withDemos(demos()).withLm(lm).withParam("temperature", 0.0);
        p.call(Map.of("image", Image.of(TestMedia.png(3000, 1)), "question", "and this?"));
        p.call(Map.of("image", Image.of(TestMedia.png(5000, 2)), "question", "and that one, please?"));
        assertThat(server.requestCount()).isEqualTo(2);
        return server.requests().stream()
                .map(r -> new String(r.body(), StandardCharsets.UTF_8))
                .toList();
    }

    private static void assertSamePrefixUpToTheRow(List<String> bodies, String rowStart) {
        String a = bodies.get(0);
        String b = bodies.get(1);
        int rowA = a.lastIndexOf(rowStart);
        int rowB = b.lastIndexOf(rowStart);
        assertThat(rowA).isPositive();
        assertThat(a.substring(0, rowA))
                .as("everything before the row's message")
                .isEqualTo(b.substring(0, rowB));
        // the prefix holds the demos (each demo image once), the rest only the row
        for (int i = 0; i < 3; i++) {
            String demo = Base64.getEncoder().encodeToString(TestMedia.png(4000 + i, 10 + i));
            assertThat(a.indexOf(demo)).isBetween(0, rowA);
        }
        assertThat(a.substring(rowA))
                .contains(Base64.getEncoder().encodeToString(TestMedia.png(3000, 1)))
                .contains("and this?");
        assertThat(b.substring(rowB))
                .contains(Base64.getEncoder().encodeToString(TestMedia.png(5000, 2)))
                .contains("and that one, please?");
    }

    @Test
    void chatCompletionBodiesOfTwoRowsShareTheirPrefixByteForByte() {
        server.defaultReply(LoopbackServer.json(200, LoopbackServer.chatCompletion(ANSWER)));
        List<String> bodies = twoRows(OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-4o-mini")
                .cache(null)
                .build());
        assertThat(bodies.get(0))
                .startsWith("{\"model\":\"gpt-4o-mini\",\"temperature\":0.0,\"messages\":[{\"role\":\"system\"");
        assertSamePrefixUpToTheRow(bodies, "{\"role\":\"user\"");
    }

    @Test
    void responsesBodiesOfTwoRowsShareTheirPrefixByteForByte() {
        server.defaultReply(LoopbackServer.json(200, OpenAiResponsesWireTest.response(ANSWER)));
        List<String> bodies = twoRows(OpenAiResponses.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-4.1-mini")
                .cache(null)
                .build());
        assertThat(bodies.get(0)).startsWith("{\"model\":\"gpt-4.1-mini\",\"instructions\":\"");
        assertSamePrefixUpToTheRow(bodies, "{\"role\":\"user\"");
    }
}
