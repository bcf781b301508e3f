package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.adapter.RefusalException;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.module.Predict;
import dev.dspy4j.prompt.Prompt;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What responses carry besides text: refusals, stop reasons, usage details and citations. */
class ResponseDetailsTest {
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiChat openAi() {
        return OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-test")
                .cache(null)
                .maxAttempts(1)
                .build();
    }

    private AnthropicChat anthropic() {
        return AnthropicChat.builder()
                .baseUrl(server.url())
                .model("claude-test")
                .cache(null)
                .maxAttempts(1)
                .build();
    }

    private static final LmRequest HI = LmRequest.of(Prompt.builder().user("Hi").build());

    // ---- item 7: refusals ----

    @Test
    void anOpenAiRefusalIsKeptAndTheAdapterRaisesARefusalException() {
        String refusal = """
                {"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant",
                 "content":null,"refusal":"I can't help with that"}}],"usage":{"prompt_tokens":5,"completion_tokens":6}}""";
        server.enqueue(LoopbackServer.json(200, refusal), LoopbackServer.json(200, refusal));

        Completion c = openAi().complete(HI).first();
        assertThat(c.refused()).isTrue();
        assertThat(c.refusal()).isEqualTo("I can't help with that");
        assertThat(c.text()).isEmpty();

        Predict qa = Predict.of("question -> answer").withLm(openAi()).withAdapter(ChatAdapter.create());
        assertThatThrownBy(() -> qa.call(Map.of("question", "How?")))
                .isInstanceOf(RefusalException.class)
                .hasMessage(
                        "the model refused to answer StringSignature (question: str -> answer: str), finish reason stop:"
                                + " I can't help with that")
                .satisfies(e -> assertThat(((RefusalException) e).refusal()).isEqualTo("I can't help with that"));
        assertThat(server.requestCount())
                .as("no JSON-adapter retry for a refusal")
                .isEqualTo(2);
    }

    @Test
    void anOpenAiRefusalContentPartIsARefusalToo() {
        server.enqueue(LoopbackServer.json(200, """
                {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant",
                 "content":[{"type":"refusal","refusal":"No."}]}}]}"""));
        Completion c = openAi().complete(HI).first();
        assertThat(c.refusal()).isEqualTo("No.");
        assertThat(c.text()).isEmpty();
    }

    /**
     * OpenAI-compatible servers fill the field with null or, some, with an empty string next to a real
     * answer: only a refusal with text is one (OpenAI's own refusals always carry their text).
     */
    @Test
    void anEmptyOrBlankRefusalBesideAnAnswerIsNotARefusal() {
        for (String empty : new String[] {"\"\"", "\" \"", "null"}) {
            server.enqueue(LoopbackServer.json(200, """
                    {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant",
                     "content":"[[ ## answer ## ]]\\nParis","refusal":%s}}]}""".formatted(empty)));
            Predict qa = Predict.of("question -> answer").withLm(openAi()).withAdapter(ChatAdapter.create());
            assertThat(qa.call(Map.of("question", "Capital?")).getString("answer"))
                    .as(empty)
                    .isEqualTo("Paris");
        }
    }

    @Test
    void anAnthropicRefusalStopReasonIsARefusal() {
        server.enqueue(LoopbackServer.json(200, """
                {"model":"claude-x","content":[{"type":"text","text":"I won't"}],"stop_reason":"refusal",
                 "usage":{"input_tokens":3,"output_tokens":2}}"""), LoopbackServer.json(200, """
                {"model":"claude-x","content":[],"stop_reason":"refusal","usage":{"input_tokens":3,"output_tokens":0}}"""));
        Completion c = anthropic().complete(HI).first();
        assertThat(c.refusal()).isEqualTo("I won't");
        assertThat(c.finishReason()).isEqualTo("refusal");

        Predict qa = Predict.of("question -> answer").withLm(anthropic());
        assertThatThrownBy(() -> qa.call(Map.of("question", "How?")))
                .isInstanceOf(RefusalException.class)
                .hasMessage(
                        "the model refused to answer StringSignature (question: str -> answer: str), finish reason refusal");
    }

    // ---- item 8: stop reasons ----

    @Test
    void contextWindowExceededIsTruncationAndPauseTurnIsReported() {
        server.enqueue(LoopbackServer.json(200, """
                {"model":"claude-x","content":[{"type":"text","text":"partial"}],
                 "stop_reason":"model_context_window_exceeded","usage":{"input_tokens":3,"output_tokens":2}}"""), LoopbackServer.json(200, """
                {"model":"claude-x","content":[{"type":"server_tool_use","id":"s1","name":"web_search","input":{}}],
                 "stop_reason":"pause_turn","usage":{"input_tokens":3,"output_tokens":2}}"""));
        AnthropicChat lm = anthropic();

        Completion c = lm.complete(HI).first();
        assertThat(c.truncated()).isTrue();
        assertThat(c.text()).isEqualTo("partial");

        assertThatThrownBy(() -> lm.complete(HI))
                .isInstanceOf(LmException.class)
                .hasMessageStartingWith("Anthropic messages at " + server.url() + "/v1/messages paused the turn"
                        + " (stop_reason pause_turn, 0 characters of text so far)");
        assertThat(new Completion("", "end_turn", List.of()).truncated()).isFalse();
        assertThat(new Completion("", "length", List.of()).truncated()).isTrue();
    }

    // ---- item 9: usage details and citations ----

    @Test
    void openAiUsageKeepsCachedAndReasoningTokens() {
        server.enqueue(LoopbackServer.json(200, """
                {"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],
                 "usage":{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,
                          "prompt_tokens_details":{"cached_tokens":1920,"audio_tokens":0},
                          "completion_tokens_details":{"reasoning_tokens":256,"audio_tokens":0}}}"""));
        assertThat(openAi().complete(HI).usage()).isEqualTo(new Usage(2006, 300, 1920, 0, 256));
    }

    @Test
    void anthropicUsageKeepsCacheReadsAndWritesApart() {
        server.enqueue(LoopbackServer.json(200, """
                {"model":"claude-x","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn",
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":1000,
                          "output_tokens":7}}"""));
        Usage u = anthropic().complete(HI).usage();
        assertThat(u).isEqualTo(new Usage(1210, 7, 1000, 200, 0));
        assertThat(u.plus(u)).isEqualTo(new Usage(2420, 14, 2000, 400, 0));
    }

    @Test
    void anthropicCitationsAreKeptOnTheCompletion() {
        server.enqueue(LoopbackServer.json(200, """
                {"model":"claude-x","stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1},
                 "content":[
                  {"type":"text","text":"According to the spec, "},
                  {"type":"text","text":"the limit is 5 MB","citations":[
                    {"type":"char_location","cited_text":"Images may be up to 5 MB.","document_index":0,
                     "document_title":"Spec","start_char_index":120,"end_char_index":145},
                    {"type":"page_location","cited_text":"5 MB per image","document_index":1,
                     "document_title":null,"start_page_number":3,"end_page_number":4}]},
                  {"type":"text","text":"."}]}"""));
        Completion c = anthropic().complete(HI).first();
        assertThat(c.text()).isEqualTo("According to the spec, the limit is 5 MB.");
        assertThat(c.citations())
                .containsExactly(
                        new Citation(
                                "char_location",
                                "Images may be up to 5 MB.",
                                0,
                                "Spec",
                                null,
                                120,
                                145,
                                "the limit is 5 MB"),
                        new Citation("page_location", "5 MB per image", 1, null, null, 3, 4, "the limit is 5 MB"));
    }
}
