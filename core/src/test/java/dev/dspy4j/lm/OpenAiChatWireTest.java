package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.prompt.Prompt;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exact JSON an OpenAI-compatible server receives, and how its answers are read. */
class OpenAiChatWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiChat.Builder client() {
        return OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-test")
                .cache(null);
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void textPromptArrivesAsPlainStringsWithParamsAsTopLevelFields() throws Exception {
        OpenAiChat lm = client().apiKey("sk-abc")
                .header("X-Org", "dspy4j")
                .temperature(0.2)
                .build();
        TreeMap<String, Object> params = new TreeMap<>();
        params.put("max_tokens", 50);
        params.put("stop", List.of("\n\n"));
        params.put("seed", 7);
        params.put("response_format", json("{\"type\":\"json_object\"}"));
        params.put(
                "tools",
                json("[{\"type\":\"function\",\"function\":{\"name\":\"add\",\"parameters\":{\"type\":\"object\"}}}]"));
        Prompt prompt = Prompt.builder()
                .system("You add numbers.")
                .user("1 + \"1\"?")
                .assistant("2")
                .user("2 + 2?")
                .build();

        LmResponse r = lm.complete(new LmRequest(prompt, params, 3, null, true));

        LoopbackServer.Received got = server.last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/v1/chat/completions");
        assertThat(got.header("Authorization")).isEqualTo("Bearer sk-abc");
        assertThat(got.header("X-Org")).isEqualTo("dspy4j");
        assertThat(got.header("Content-Type")).isEqualTo("application/json");
        assertThat(got.header("Content-Length")).isEqualTo(String.valueOf(got.body().length));
        assertThat(got.json()).isEqualTo(json("""
                {"model":"gpt-test","max_tokens":50,"response_format":{"type":"json_object"},"seed":7,
                 "stop":["\\n\\n"],"temperature":0.2,
                 "tools":[{"type":"function","function":{"name":"add","parameters":{"type":"object"}}}],
                 "n":3,
                 "messages":[
                   {"role":"system","content":"You add numbers."},
                   {"role":"user","content":"1 + \\"1\\"?"},
                   {"role":"assistant","content":"2"},
                   {"role":"user","content":"2 + 2?"}]}
                """));
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(r.usage()).isEqualTo(new Usage(11, 3));
        assertThat(r.model()).isEqualTo("m-1");
        assertThat(r.cacheHit()).isFalse();
    }

    @Test
    void multimodalPromptArrivesAsTypedPartsWithBase64FromTheBytes() throws Exception {
        byte[] png = TestMedia.png(3000, 1);
        byte[] wav = TestMedia.wav(2000, 2);
        byte[] pdf = TestMedia.pdf(1500, 3);
        byte[] pdf2 = TestMedia.pdf(700, 4);
        OpenAiChat lm = client().build();
        Prompt prompt = Prompt.builder()
                .system("Describe.")
                .user()
                .text("Look: ")
                .media(Image.of(png).withDetail("low"))
                .text(" and ")
                .media(Image.fromUrl("https://example.com/cat.jpg"))
                .media(Audio.of(wav))
                .media(File.of(pdf, "report.pdf", MediaType.PDF))
                .media(File.ofId("file-123"))
                .media(new Document(dev.dspy4j.media.Payload.of(pdf2), "Annual report", null, true))
                .media(Document.ofText("Line 1\n\"quoted\" é")
                        .withTitle("Notes")
                        .withContext("from the wiki"))
                .text("Done?")
                .end()
                .build();

        lm.complete(LmRequest.of(prompt));

        Base64.Encoder b64 = Base64.getEncoder();
        String expected = """
                {"model":"gpt-test","messages":[
                  {"role":"system","content":"Describe."},
                  {"role":"user","content":[
                    {"type":"text","text":"Look: "},
                    {"type":"image_url","image_url":{"url":"data:image/png;base64,%s","detail":"low"}},
                    {"type":"text","text":" and "},
                    {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}},
                    {"type":"input_audio","input_audio":{"data":"%s","format":"wav"}},
                    {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,%s"}},
                    {"type":"file","file":{"file_id":"file-123"}},
                    {"type":"file","file":{"filename":"Annual report.pdf","file_data":"data:application/pdf;base64,%s"}},
                    {"type":"text","text":"Document: Notes\\nfrom the wiki\\n\\nLine 1\\n\\"quoted\\" é"},
                    {"type":"text","text":"Done?"}]}]}
                """.formatted(
                b64.encodeToString(png), b64.encodeToString(wav), b64.encodeToString(pdf), b64.encodeToString(pdf2));
        LoopbackServer.Received got = server.last();
        assertThat(got.json()).isEqualTo(json(expected));
        assertThat(got.header("Authorization"))
                .as("no key, no Authorization header")
                .isNull();
        // a text document's length is not known before it is read, so that body goes chunked
        assertThat(got.header("Content-Length")).isNull();
    }

    @Test
    void imagesOnlyBodyHasAnExactContentLength() throws Exception {
        byte[] png = TestMedia.png(10_001, 5);
        OpenAiChat lm = client().build();
        lm.complete(LmRequest.of(
                Prompt.builder().user().text("x").media(Image.of(png)).end().build()));
        LoopbackServer.Received got = server.last();
        assertThat(got.header("Content-Length")).isEqualTo(String.valueOf(got.body().length));
        assertThat(got.json().at("/messages/0/content/1/image_url/url").asText())
                .isEqualTo("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
    }

    @Test
    void parsesChoicesInIndexOrderWithToolCallsFinishReasonsAndUsage() {
        server.enqueue(LoopbackServer.json(200, """
                {"model":"gpt-test-2024","choices":[
                  {"index":1,"message":{"role":"assistant","content":"second"},"finish_reason":"length"},
                  {"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                     {"id":"call_1","type":"function","function":{"name":"add","arguments":"{\\"a\\":1}"}}]},
                   "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":100,"completion_tokens":20}}
                """));
        OpenAiChat lm = client().build();
        LmResponse r =
                lm.complete(LmRequest.of(Prompt.builder().user("hi").build()).withN(2));

        assertThat(r.completions()).hasSize(2);
        Completion first = r.completions().get(0);
        assertThat(first.text()).isEmpty();
        assertThat(first.finishReason()).isEqualTo("tool_calls");
        assertThat(first.toolCalls()).containsExactly(new ToolCall("call_1", "add", "{\"a\":1}"));
        assertThat(first.truncated()).isFalse();
        Completion second = r.completions().get(1);
        assertThat(second.text()).isEqualTo("second");
        assertThat(second.truncated()).as("finish_reason length").isTrue();
        assertThat(r.usage()).isEqualTo(new Usage(100, 20));
        assertThat(r.model()).isEqualTo("gpt-test-2024");
        assertThat(server.last().json().get("n").asInt()).isEqualTo(2);
    }

    @Test
    void builderDefaultsAreSentAndTheRequestsOwnValuesWin() {
        OpenAiChat lm = client().maxCompletionTokens(300).temperature(0.7).build();
        lm.complete(LmRequest.of(Prompt.builder().user("hi").build()).withParam("temperature", 0.0));
        JsonNode sent = server.last().json();
        assertThat(sent.get("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(sent.get("temperature").asDouble()).isEqualTo(0.0);
        assertThat(sent.has("n")).as("n is sent only above 1").isFalse();
    }

    @Test
    void apiKeyFromAnUnsetVariableSendsNoAuthorization() {
        OpenAiChat lm =
                client().apiKeyFromEnv("DSPY4J_TEST_SURELY_UNSET_VARIABLE").build();
        assertThat(lm.hasApiKey()).isFalse();
        lm.complete(LmRequest.of(Prompt.builder().user("hi").build()));
        assertThat(server.last().header("Authorization")).isNull();
    }

    @Test
    void capabilityFlagsAreSettableAndDefaultByHost() {
        assertThat(OpenAiChat.builder().model("m").cache(null).build().supportsStructuredOutputs())
                .isTrue();
        assertThat(client().build().supportsStructuredOutputs()).isFalse();
        assertThat(client().build().supportsNativeTools()).isFalse();
        OpenAiChat on = client().structuredOutputs(true).nativeTools(true).build();
        assertThat(on.supportsStructuredOutputs()).isTrue();
        assertThat(on.supportsNativeTools()).isTrue();
        assertThat(OpenAiChat.builder()
                        .model("m")
                        .cache(null)
                        .structuredOutputs(false)
                        .build()
                        .supportsStructuredOutputs())
                .isFalse();
    }

    @Test
    void inspectHistoryShowsPayloadsByTypeSizeAndDigestOnly() {
        byte[] png = TestMedia.png(5000, 9);
        OpenAiChat lm = client().cache(new MapCache()).build();
        lm.complete(LmRequest.of(Prompt.builder()
                .user()
                .text("What is it?")
                .media(Image.of(png))
                .end()
                .build()));

        String shown = lm.inspectHistory(1);
        assertThat(shown)
                .contains("What is it?")
                .contains("image/png")
                .contains("5000 bytes")
                .contains("sha256:");
        String b64 = Base64.getEncoder().encodeToString(png);
        assertThat(shown).doesNotContain(b64.substring(0, 40)).hasSizeLessThan(1000);
        assertThat(lm.history()
                        .last(1)
                        .get(0)
                        .request()
                        .prompt()
                        .messages()
                        .get(0)
                        .parts())
                .hasSize(2);
    }

    @Test
    void rejectsBadSettingsWithClearMessages() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OpenAiChat.builder().baseUrl("ftp://x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ftp://x");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OpenAiChat.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("model");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OpenAiChat.builder().apiKey("sk-\nsecret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> OpenAiChat.builder().timeout(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A response cache on a HashMap, for tests. */
    static final class MapCache implements dev.dspy4j.lm.ResponseCache {
        final Map<dev.dspy4j.lm.CacheKey, LmResponse> map = new java.util.HashMap<>();

        @Override
        public synchronized LmResponse get(dev.dspy4j.lm.CacheKey key) {
            return map.get(key);
        }

        @Override
        public synchronized void put(dev.dspy4j.lm.CacheKey key, LmResponse response) {
            map.put(key, response);
        }
    }
}
