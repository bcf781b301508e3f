package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Prompt;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exact JSON the Anthropic Messages API receives, and how its answers are read. */
class AnthropicChatWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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
                .cache(null)
                .retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(2), Duration.ofMillis(5)));
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void textPromptHasTopLevelSystemRequiredMaxTokensAndMappedParams() throws Exception {
        AnthropicChat lm =
                client().apiKey("ak-1").defaultMaxTokens(512).temperature(0.5).build();
        TreeMap<String, Object> params = new TreeMap<>();
        params.put("stop", "END");
        params.put("seed", 3);
        params.put("top_k", 40);
        params.put("response_format", json("{\"type\":\"json_object\"}"));
        Prompt prompt = Prompt.builder()
                .system("Be brief.")
                .system("Answer in French.")
                .user("Hi")
                .assistant("Salut")
                .user("Bye?")
                .build();

        LmResponse r = lm.complete(new LmRequest(prompt, params, 1, null, true));

        LoopbackServer.Received got = server.last();
        assertThat(got.path()).isEqualTo("/v1/messages");
        assertThat(got.header("x-api-key")).isEqualTo("ak-1");
        assertThat(got.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(got.header("Authorization")).isNull();
        assertThat(got.json()).isEqualTo(json("""
                {"model":"claude-test","max_tokens":512,"stop_sequences":["END"],"temperature":0.5,"top_k":40,
                 "system":"Be brief.\\n\\nAnswer in French.",
                 "messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Salut"},
                             {"role":"user","content":"Bye?"}]}
                """));
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(r.usage()).isEqualTo(new Usage(12, 4));
        assertThat(r.model()).isEqualTo("claude-x");

        lm.complete(LmRequest.of(Prompt.builder().user("x").build()).withParam("max_completion_tokens", 64));
        assertThat(server.last().json().get("max_tokens").asInt()).isEqualTo(64);
        assertThat(server.last().json().has("max_completion_tokens")).isFalse();
        assertThat(server.last().json().has("system")).isFalse();
    }

    @Test
    void multimodalPromptHasImageAndDocumentBlocks() throws Exception {
        byte[] png = TestMedia.png(4000, 11);
        byte[] pdf = TestMedia.pdf(3000, 12);
        byte[] filePdf = TestMedia.pdf(900, 13);
        AnthropicChat lm = client().build();
        Prompt prompt = Prompt.builder()
                .user()
                .text("See ")
                .media(Image.of(png))
                .media(Image.fromUrl("https://example.com/a.png"))
                .media(new Document(Payload.of(pdf), "Spec", "Version 2", true))
                .media(Document.ofText("Plain \"notes\"\nline 2").withTitle("Notes"))
                .media(File.of(filePdf, "scan.pdf", MediaType.PDF))
                .media(File.ofId("file_abc"))
                .text("Summarise.")
                .end()
                .build();

        lm.complete(LmRequest.of(prompt));

        Base64.Encoder b64 = Base64.getEncoder();
        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"claude-test","max_tokens":1024,"messages":[{"role":"user","content":[
                  {"type":"text","text":"See "},
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}},
                  {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},
                  {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"%s"},
                   "title":"Spec","context":"Version 2","citations":{"enabled":true}},
                  {"type":"document","source":{"type":"text","media_type":"text/plain","data":"Plain \\"notes\\"\\nline 2"},
                   "title":"Notes"},
                  {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"%s"},"title":"scan.pdf"},
                  {"type":"document","source":{"type":"file","file_id":"file_abc"}},
                  {"type":"text","text":"Summarise."}]}]}
                """.formatted(
                        b64.encodeToString(png), b64.encodeToString(pdf), b64.encodeToString(filePdf))));
    }

    @Test
    void readsStopReasonToolUseAndCacheUsage() {
        server.enqueue(LoopbackServer.json(200, """
                {"model":"claude-x","content":[{"type":"text","text":"Let me "},{"type":"text","text":"check."},
                  {"type":"tool_use","id":"tu_1","name":"lookup","input":{"q":"cats"}}],
                 "stop_reason":"max_tokens",
                 "usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":7}}
                """));
        LmResponse r = client().build()
                .complete(LmRequest.of(Prompt.builder().user("x").build()));
        Completion c = r.first();
        assertThat(c.text()).isEqualTo("Let me check.");
        assertThat(c.truncated()).isTrue();
        assertThat(c.toolCalls()).containsExactly(new ToolCall("tu_1", "lookup", "{\"q\":\"cats\"}"));
        assertThat(r.usage()).isEqualTo(new Usage(15, 7, 5, 0, 0));
    }

    @Test
    void nAboveOneMakesOneCallPerCompletion() {
        server.enqueue(
                LoopbackServer.json(200, LoopbackServer.anthropicMessage("one")),
                LoopbackServer.json(200, LoopbackServer.anthropicMessage("two")));
        LmResponse r = client().build()
                .complete(LmRequest.of(Prompt.builder().user("x").build()).withN(2));
        assertThat(r.completions()).extracting(Completion::text).containsExactly("one", "two");
        assertThat(r.usage()).isEqualTo(new Usage(24, 8));
        assertThat(server.requests())
                .allSatisfy(q -> assertThat(q.json().has("n")).isFalse());
    }

    @Test
    void refusesWhatTheApiCannotTakeBeforeSending() {
        AnthropicChat lm = client().build();
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .user()
                        .media(Audio.of(TestMedia.wav(100, 1)))
                        .end()
                        .build())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("audio");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .system()
                        .text("s")
                        .media(Image.of(TestMedia.png(100, 1)))
                        .end()
                        .build())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("system");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void errorsInAnthropicsShapeAreTyped() {
        server.enqueue(
                LoopbackServer.json(
                        529,
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"),
                LoopbackServer.json(200, LoopbackServer.anthropicMessage("after overload")),
                LoopbackServer.json(
                        400,
                        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                                + "\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}}"),
                LoopbackServer.json(
                        401,
                        "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}"));
        AnthropicChat lm = client().build();
        LmRequest req = LmRequest.of(Prompt.builder().user("x").build());
        assertThat(lm.complete(req).first().text()).isEqualTo("after overload");
        ContextWindowExceededException c =
                catchThrowableOfType(ContextWindowExceededException.class, () -> lm.complete(req));
        assertThat(c.providerMessage()).startsWith("prompt is too long");
        assertThat(c.getMessage()).contains("invalid_request_error");
        AuthenticationException a = catchThrowableOfType(AuthenticationException.class, () -> lm.complete(req));
        assertThat(a.providerMessage()).isEqualTo("invalid x-api-key");
        assertThat(server.requestCount()).isEqualTo(4);
        assertThat(List.of(lm.toString())).allSatisfy(s -> assertThat(s).contains("apiKey=none"));
    }
}
