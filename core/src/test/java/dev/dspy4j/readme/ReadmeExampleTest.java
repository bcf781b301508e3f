package dev.dspy4j.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.cache.TieredCache;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.ChainOfThought;
import dev.dspy4j.module.Predict;
import dev.dspy4j.module.Prediction;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Input;
import dev.dspy4j.signature.Instructions;
import dev.dspy4j.signature.Output;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's usage example, kept here so it keeps compiling and working. The only differences
 * from the README: the LM points at a loopback server and caches in a temporary directory.
 */
class ReadmeExampleTest {

    // --- README: begin ---
    @Instructions("Name the animal in the photo.")
    record Classify(
            @Input(desc = "a photo") Image photo,
            @Output(desc = "one lowercase word") String animal) {}
    // --- README: end ---

    @TempDir
    Path dir;

    @Test
    void readmeExampleRuns() throws Exception {
        Path catPng = NoiseImage.writePng(dir, "cat.png", 32, 32, 1);
        Path dogPng = NoiseImage.writePng(dir, "dog.png", 32, 32, 2);
        try (LoopbackChatServer server = LoopbackChatServer.builder()
                        .respond(r -> r.bodyText().contains("reasoning")
                                ? "[[ ## reasoning ## ]]\n2 and 2 make 4.\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]"
                                : LoopbackChatServer.chatAnswer("animal", "cat"))
                        .keepBodies(true)
                        .start();
                TieredCache cache = TieredCache.open(dir.resolve("cache"))) {

            var lm = OpenAiChat.builder()
                    .model("gpt-4o-mini")
                    .apiKeyFromEnv()
                    .baseUrl(server.baseUrl())
                    .cache(cache)
                    .build();
            var demos = List.of(Example.of("photo", Image.of(dogPng), "animal", "dog"));
            var classify = Predict.of(Classify.class).withLm(lm).withDemos(demos);
            Prediction p = classify.call(Map.of("photo", Image.of(catPng)));
            String animal = p.get("animal", String.class);

            var qa = ChainOfThought.of("question -> answer: int").withLm(lm);
            long answer = qa.call(Map.of("question", "What is 2 + 2?")).get("answer", Long.class);

            assertThat(animal).isEqualTo("cat");
            assertThat(answer).isEqualTo(4L);
            assertThat(server.requestCount()).isEqualTo(2);
            // the first request carried both images as image_url parts
            assertThat(server.received().get(0).bodyText())
                    .contains("\"image_url\"")
                    .contains("data:image/png;base64,");
            // a rerun is served from the cache: no new HTTP request
            assertThat(classify.call(Map.of("photo", Image.of(catPng))).cacheHit())
                    .isTrue();
            assertThat(server.requestCount()).isEqualTo(2);
        }
    }
}
