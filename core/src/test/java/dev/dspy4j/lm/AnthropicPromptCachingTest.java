package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.media.History;
import dev.dspy4j.media.Image;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Anthropic cache_control breakpoints after the demos and after the history, and cache usage read back. */
class AnthropicPromptCachingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Signature QA = Signature.parse("history: History, question -> answer");
    private static final List<Example> DEMOS =
            List.of(Example.of("question", "2+2?", "answer", "4"), Example.of("question", "3+3?", "answer", "6"));
    private static final History HISTORY = History.of(Map.of("question", "1+1?", "answer", "2"));

    private final LoopbackServer server =
            LoopbackServer.start().defaultReply(LoopbackServer.json(200, LoopbackServer.anthropicMessage("ok")));

    @AfterEach
    void stop() {
        server.close();
    }

    private AnthropicChat.Builder client() {
        return AnthropicChat.builder()
                .baseUrl(server.url())
                .model("claude-test")
                .cache(null);
    }

    /** The messages array as sent without caching, with cache_control added to the last block of {@code marked}. */
    private static ArrayNode expected(Prompt prompt, String ttl, int... marked) {
        ArrayNode out = JSON.createArrayNode();
        List<Message> messages = prompt.messages();
        for (int i = 1; i < messages.size(); i++) {
            Message m = messages.get(i);
            ObjectNode o = out.addObject().put("role", m.role().wireName());
            final int index = i;
            if (java.util.Arrays.stream(marked).anyMatch(k -> k == index)) {
                ObjectNode block =
                        o.putArray("content").addObject().put("type", "text").put("text", m.text());
                ObjectNode cc = block.putObject("cache_control").put("type", "ephemeral");
                if (ttl != null) cc.put("ttl", ttl);
            } else {
                o.put("content", m.text());
            }
        }
        return out;
    }

    @Test
    void breakpointsGoAfterTheLastDemoAndAfterTheHistory() {
        Prompt prompt = ChatAdapter.create().format(QA, DEMOS, Map.of("history", HISTORY, "question", "5+5?"));
        // system, 2 demos (4 messages), 1 history turn (2 messages), the question
        assertThat(prompt.messages()).hasSize(8);
        assertThat(prompt.stablePrefix()).isEqualTo(5);

        client().build().complete(LmRequest.of(prompt));

        JsonNode sent = server.last().json();
        assertThat(sent.get("messages")).isEqualTo(expected(prompt, null, 4, 6));
        assertThat(sent.get("system").isTextual())
                .as("the system prompt is cached as part of the prefix")
                .isTrue();
        assertThat(server.last().header("anthropic-beta")).isNull();
    }

    @Test
    void withoutHistoryOnlyTheDemosAreMarkedAndWithoutDemosOrHistoryNothing() {
        Prompt demosOnly = ChatAdapter.create().format(QA, DEMOS, Map.of("question", "5+5?"));
        client().build().complete(LmRequest.of(demosOnly));
        assertThat(server.last().json().get("messages")).isEqualTo(expected(demosOnly, null, 4));

        Prompt bare = ChatAdapter.create().format(QA, List.of(), Map.of("question", "5+5?"));
        client().build().complete(LmRequest.of(bare));
        assertThat(server.last().bodyText()).doesNotContain("cache_control");

        Prompt historyOnly = ChatAdapter.create().format(QA, List.of(), Map.of("history", HISTORY, "question", "5+5?"));
        client().build().complete(LmRequest.of(historyOnly));
        assertThat(server.last().json().get("messages")).isEqualTo(expected(historyOnly, null, 2));
    }

    @Test
    void cachingCanBeTurnedOffOrKeptForAnHour() {
        Prompt prompt = ChatAdapter.create().format(QA, DEMOS, Map.of("history", HISTORY, "question", "5+5?"));
        client().promptCaching(false).build().complete(LmRequest.of(prompt));
        assertThat(server.last().bodyText()).doesNotContain("cache_control");
        assertThat(client().promptCaching(false).build().promptCaching()).isFalse();

        client().promptCacheTtl(Duration.ofHours(1)).build().complete(LmRequest.of(prompt));
        assertThat(server.last().json().get("messages")).isEqualTo(expected(prompt, "1h", 4, 6));
        assertThat(server.last().header("anthropic-beta")).isEqualTo("extended-cache-ttl-2025-04-11");

        assertThatThrownBy(() -> client().promptCacheTtl(Duration.ofMinutes(30)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 minutes or 1 hour");
    }

    @Test
    void aBreakpointOnAMessageEndingInAnImageGoesOnTheImageBlock() throws Exception {
        byte[] png = TestMedia.png(500, 3);
        Prompt prompt = Prompt.builder()
                .system("Label images.")
                .user()
                .text("Demo: ")
                .media(Image.of(png))
                .end()
                .markStablePrefix()
                .user("Now this one?")
                .build();

        client().build().complete(LmRequest.of(prompt));

        assertThat(server.last().json().get("messages"))
                .isEqualTo(JSON.readTree("""
                [{"role":"user","content":[{"type":"text","text":"Demo: "},
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"},
                   "cache_control":{"type":"ephemeral"}}]},
                 {"role":"user","content":"Now this one?"}]
                """.formatted(Base64.getEncoder().encodeToString(png))));
    }

    @Test
    void cacheReadsAndWritesAreReadIntoUsage() {
        server.enqueue(LoopbackServer.json(
                200,
                "{\"type\":\"message\",\"model\":\"claude-test\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"ok\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":20,\"cache_creation_input_tokens\":1500,"
                        + "\"cache_read_input_tokens\":3000,\"output_tokens\":5}}"));
        Usage u = client().build()
                .complete(LmRequest.of(Prompt.builder().user("hi").build()))
                .usage();
        assertThat(u).isEqualTo(new Usage(4520, 5, 3000, 1500, 0));
    }

    @Test
    void theStablePrefixHintIsNotPartOfEqualityOrTheCacheKey() {
        Prompt marked = ChatAdapter.create().format(QA, DEMOS, Map.of("question", "5+5?"));
        Prompt unmarked = new Prompt(marked.messages());
        assertThat(marked).isEqualTo(unmarked).hasSameHashCodeAs(unmarked);
        assertThat(dev.dspy4j.lm.CacheKey.of("m", LmRequest.of(marked)))
                .isEqualTo(dev.dspy4j.lm.CacheKey.of("m", LmRequest.of(unmarked)));
        assertThat(marked.with(Message.user("more")).stablePrefix()).isEqualTo(5);
        assertThat(marked.withoutPayloadBytes().stablePrefix()).isEqualTo(5);
        assertThatThrownBy(() -> new Prompt(List.of(Message.user("x")), 2)).hasMessageContaining("stablePrefix");
    }

    private static String answer(long input, long written, long read) {
        return "{\"type\":\"message\",\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":"
                + "\"[[ ## answer ## ]]\\n10\\n\\n[[ ## completed ## ]]\"}],\"stop_reason\":\"end_turn\",\"usage\":{"
                + "\"input_tokens\":" + input + ",\"cache_creation_input_tokens\":" + written
                + ",\"cache_read_input_tokens\":" + read + ",\"output_tokens\":8}}";
    }

    @Test
    void aRunAddsUpCacheReadsAndWritesPerCallAndPricesThem() {
        // the first row writes the demos to Anthropic's cache, the second reads them
        server.enqueue(LoopbackServer.json(200, answer(30, 2000, 0)), LoopbackServer.json(200, answer(30, 0, 2000)));
        var qa = dev.dspy4j.module.Predict.of(QA)
                .withDemos(DEMOS)
                .withLm(client().model("claude-sonnet-4-5").build());
        UsageSummary s;
        dev.dspy4j.module.Prediction first;
        dev.dspy4j.module.Prediction second;
        try (UsageScope usage = UsageScope.open()) {
            first = qa.call(Map.of("history", History.empty(), "question", "5+5?"));
            second = qa.call(Map.of("history", History.empty(), "question", "7+3?"));
            s = usage.summary();
        }
        assertThat(first.usage()).isEqualTo(new Usage(2030, 8, 0, 2000, 0));
        assertThat(second.usage()).isEqualTo(new Usage(2030, 8, 2000, 0, 0));
        assertThat(s.usage()).isEqualTo(new Usage(4060, 16, 2000, 2000, 0));
        assertThat(s.toString()).contains("tokens: 4060 in (2000 cached, 2000 cache writes), 16 out (0 reasoning)");
        // claude-sonnet-4 prices: $3 input, $0.30 cached input, $3.75 cache write, $15 output per million tokens
        assertThat(s.cost())
                .isCloseTo(
                        (60 * 3.00 + 2000 * 0.30 + 2000 * 3.75 + 16 * 15.00) / 1e6,
                        org.assertj.core.api.Assertions.within(1e-12));
        assertThat(server.requests())
                .allSatisfy(r -> assertThat(r.bodyText()).contains("\"cache_control\":{\"type\":\"ephemeral\"}"));
    }
}
