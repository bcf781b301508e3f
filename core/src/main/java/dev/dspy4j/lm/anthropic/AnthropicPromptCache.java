package dev.dspy4j.lm.anthropic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.prompt.Role;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where Anthropic prompt-cache breakpoints go ({@code "cache_control":{"type":"ephemeral"}} on the last
 * block of a message: the request up to and including that block is cached; Anthropic's prompt
 * caching guide). Tools, system prompt and messages are cached in that order, so one breakpoint after
 * the demos covers the system prompt too.
 *
 * <p>Breakpoints, at most two of the four a request may have, and only in a prompt whose stable prefix
 * is marked ({@link Prompt#stablePrefix()}, as the adapters mark the system message and demos): after the
 * last demo (the last message of the stable prefix, when it is not the system message), and after the
 * history (the message before the final one, when it comes after the stable prefix). A prompt without
 * demos or history gets none: its prefix is the system prompt alone, usually below the minimum
 * Anthropic caches (1024 to 4096 tokens by model), which it ignores without error anyway.
 */
final class AnthropicPromptCache {
    private AnthropicPromptCache() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The beta the 1-hour cache lifetime was introduced under (sent with it; harmless where it is general). */
    static final String EXTENDED_TTL_BETA = "extended-cache-ttl-2025-04-11";

    /** The lifetimes Anthropic takes: 5 minutes (the default) and 1 hour. */
    static final List<Duration> TTLS = List.of(Duration.ofMinutes(5), Duration.ofHours(1));

    /** The {@code cache_control} object: {@code {"type":"ephemeral"}}, with {@code "ttl":"1h"} for an hour. */
    static ObjectNode cacheControl(Duration ttl) {
        ObjectNode c = JSON.createObjectNode().put("type", "ephemeral");
        if (ttl.equals(Duration.ofHours(1))) c.put("ttl", "1h");
        return c;
    }

    /** The indices (in {@code prompt.messages()}) of the messages whose last block gets a breakpoint. */
    static Set<Integer> breakpoints(Prompt prompt) {
        List<Message> messages = prompt.messages();
        int stable = prompt.stablePrefix();
        Set<Integer> out = new TreeSet<>();
        if (stable == 0) return out;
        int lastDemo = stable - 1;
        if (messages.get(lastDemo).role() != Role.SYSTEM) out.add(lastDemo);
        int lastHistory = messages.size() - 2;
        if (lastHistory >= stable && messages.get(lastHistory).role() != Role.SYSTEM) out.add(lastHistory);
        return out;
    }
}
