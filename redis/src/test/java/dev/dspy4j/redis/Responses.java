package dev.dspy4j.redis;

import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.media.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Keys and responses for the Redis tests. */
final class Responses {
    private Responses() {}

    static CacheKey key(String name) {
        return CacheKey.ofBytes(Digest.sha256().digest(name.getBytes(StandardCharsets.UTF_8)));
    }

    static LmResponse response(String text) {
        return new LmResponse(List.of(Completion.of(text)), new Usage(12, 5), "model-x", false);
    }
}
