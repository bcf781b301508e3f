package dev.dspy4j.cache;

import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.ToolCall;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.media.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Keys and responses for cache tests. */
final class CacheFixtures {
    private CacheFixtures() {}

    /** A key derived from a name. */
    static CacheKey key(String name) {
        return CacheKey.ofBytes(Digest.sha256().digest(name.getBytes(StandardCharsets.UTF_8)));
    }

    /** A one-completion response with the given text. */
    static LmResponse response(String text) {
        return new LmResponse(List.of(Completion.of(text)), new Usage(12, 5), "model-x", false);
    }

    /** A response with two completions, a truncated one and one with tool calls. */
    static LmResponse rich() {
        return new LmResponse(
                List.of(
                        new Completion("partial answer ü €", "length", List.of()),
                        new Completion(
                                "",
                                null,
                                List.of(
                                        new ToolCall("call_1", "lookup", "{\"q\":\"cats\"}"),
                                        new ToolCall("", "noop", null)))),
                new Usage(1234, 567),
                "gpt-test-2026",
                false);
    }

    /** A deterministic text of about {@code chars} characters, different for each seed. */
    static String text(long seed, int chars) {
        StringBuilder sb = new StringBuilder(chars + 32);
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        while (sb.length() < chars) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sb.append(Long.toString(x & Long.MAX_VALUE, 36)).append(' ');
        }
        sb.setLength(chars);
        return sb.toString();
    }
}
