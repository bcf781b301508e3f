package dev.dspy4j.redis;

import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A child JVM for the cross-process tests: builds an OpenAI-compatible LM on the loopback server with a
 * {@link RedisCache}, prints {@code ready}, waits for a line on stdin, asks {@code question} once and
 * prints {@code answer <hit|sent> <text>}.
 *
 * <p>Arguments: redis URI, chat base URL, question, lease time in ms, key prefix.
 */
public final class RedisLmMain {
    private RedisLmMain() {}

    public static void main(String[] args) throws Exception {
        String redisUri = args[0];
        String baseUrl = args[1];
        String question = args[2];
        long leaseMs = Long.parseLong(args[3]);
        String prefix = args[4];
        try (RedisCache cache = RedisCache.builder()
                .uri(redisUri)
                .prefix(prefix)
                .leaseTime(Duration.ofMillis(leaseMs))
                .build()) {
            var lm = OpenAiChat.builder()
                    .baseUrl(baseUrl)
                    .model("loopback")
                    .apiKey("unused")
                    .cache(cache)
                    .maxAttempts(1)
                    .timeout(Duration.ofMinutes(5))
                    .build();
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (in.readLine() == null) return;
            LmResponse r = lm.complete(LmRequest.of(Prompt.of(Message.user(question))));
            System.out.println("answer " + (r.cacheHit() ? "hit" : "sent") + " "
                    + r.first().text());
            System.out.flush();
        }
    }
}
