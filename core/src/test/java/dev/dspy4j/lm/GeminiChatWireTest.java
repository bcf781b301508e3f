package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.gemini.GeminiChat;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.Video;
import dev.dspy4j.prompt.Prompt;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exact JSON Gemini's generateContent receives, how its answers and safety blocks are read. */
class GeminiChatWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackServer server = LoopbackServer.start().defaultReply(LoopbackServer.json(200, answer("ok")));

    @AfterEach
    void stop() {
        server.close();
    }

    static String answer(String text) {
        return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":"
                + JSON.getNodeFactory().textNode(text)
                + "}]},\"finishReason\":\"STOP\",\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":2,\"totalTokenCount\":11},"
                + "\"modelVersion\":\"gemini-test-001\"}";
    }

    private GeminiChat.Builder client() {
        return GeminiChat.builder()
                .baseUrl(server.url() + "/v1beta")
                .model("gemini-test")
                .cache(null)
                .retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(2), Duration.ofMillis(5)));
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void textPromptHasSystemInstructionGenerationConfigAndTheKeyInAHeaderOnly() throws Exception {
        GeminiChat lm = client().apiKey("AIzaSecretKey123").temperature(0.25).build();
        TreeMap<String, Object> params = new TreeMap<>();
        params.put("max_tokens", 300);
        params.put("top_p", 0.9);
        params.put("stop", "END");
        params.put("seed", 7);
        params.put("thinkingConfig", Map.of("thinkingBudget", 0));
        params.put(
                "safetySettings",
                List.of(Map.of("category", "HARM_CATEGORY_HARASSMENT", "threshold", "BLOCK_ONLY_HIGH")));
        Prompt prompt = Prompt.builder()
                .system("Be brief.")
                .system("Answer in French.")
                .user("Hi")
                .assistant("Salut")
                .user("Bye?")
                .build();

        LmResponse r = lm.complete(new LmRequest(prompt, params, 1, null, true));

        LoopbackServer.Received got = server.last();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/v1beta/models/gemini-test:generateContent");
        assertThat(got.query()).isNull();
        assertThat(got.header("x-goog-api-key")).isEqualTo("AIzaSecretKey123");
        assertThat(got.header("Authorization")).isNull();
        assertThat(got.json()).isEqualTo(json("""
                {"contents":[{"role":"user","parts":[{"text":"Hi"}]},{"role":"model","parts":[{"text":"Salut"}]},
                             {"role":"user","parts":[{"text":"Bye?"}]}],
                 "systemInstruction":{"parts":[{"text":"Be brief.\\n\\nAnswer in French."}]},
                 "generationConfig":{"maxOutputTokens":300,"seed":7,"temperature":0.25,"topP":0.9,
                                     "stopSequences":["END"],"thinkingConfig":{"thinkingBudget":0}},
                 "safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}]}
                """));
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(r.first().finishReason()).isEqualTo("stop");
        assertThat(r.usage()).isEqualTo(new Usage(9, 2));
        assertThat(r.model()).isEqualTo("gemini-test-001");
        assertThat(lm.toString()).doesNotContain("AIzaSecretKey123");
    }

    @Test
    void jsonSchemaOutputAndCandidateCountAndTools() throws Exception {
        GeminiChat lm = client().build();
        Map<String, Object> schema = Map.of(
                "type",
                "object",
                "properties",
                Map.of("answer", Map.of("type", "string")),
                "required",
                List.of("answer"));
        TreeMap<String, Object> params = new TreeMap<>();
        params.put(
                "response_format",
                Map.of("type", "json_schema", "json_schema", Map.of("name", "out", "strict", true, "schema", schema)));
        params.put(
                "tools",
                List.of(
                        Map.of(
                                "type",
                                "function",
                                "function",
                                Map.of(
                                        "name",
                                        "lookup",
                                        "description",
                                        "Look up",
                                        "parameters",
                                        Map.of("type", "object", "properties", Map.of("q", Map.of("type", "string"))))),
                        Map.of("googleSearch", Map.of())));
        params.put("tool_choice", "required");
        server.enqueue(LoopbackServer.json(200, """
                {"candidates":[{"index":1,"content":{"parts":[{"text":"{\\"answer\\":\\"b\\"}"}]},"finishReason":"MAX_TOKENS"},
                               {"index":0,"content":{"parts":[{"text":"thinking...","thought":true},{"text":"{\\"answer\\":"},
                                 {"text":"\\"a\\"}"},{"functionCall":{"id":"fc1","name":"lookup","args":{"q":"cats"}}}]},
                                "finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":8,"thoughtsTokenCount":5,
                                  "cachedContentTokenCount":4,"totalTokenCount":33}}
                """));

        LmResponse r = lm.complete(new LmRequest(Prompt.builder().user("q").build(), params, 2, null, true));

        assertThat(server.last().json()).isEqualTo(json("""
                {"contents":[{"role":"user","parts":[{"text":"q"}]}],
                 "generationConfig":{"candidateCount":2,"responseMimeType":"application/json",
                   "responseJsonSchema":{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}},
                 "tools":[{"functionDeclarations":[{"name":"lookup","description":"Look up",
                            "parametersJsonSchema":{"type":"object","properties":{"q":{"type":"string"}}}}]},
                          {"googleSearch":{}}],
                 "toolConfig":{"functionCallingConfig":{"mode":"ANY"}}}
                """));
        assertThat(r.completions())
                .extracting(Completion::text)
                .containsExactly("{\"answer\":\"a\"}", "{\"answer\":\"b\"}");
        assertThat(r.first().toolCalls()).containsExactly(new ToolCall("fc1", "lookup", "{\"q\":\"cats\"}"));
        assertThat(r.completions().get(1).truncated()).isTrue();
        assertThat(r.usage()).isEqualTo(new Usage(20, 13, 4, 0, 5));
        assertThat(lm.supportsStructuredOutputs()).isTrue();
    }

    @Test
    void mediaGoInlineAsBase64OrByUri() throws Exception {
        byte[] png = TestMedia.png(4000, 11);
        byte[] wav = TestMedia.wav(3000, 12);
        byte[] mp4 = TestMedia.mp4(5000, 13);
        byte[] pdf = TestMedia.pdf(2000, 14);
        Video video = Video.of(mp4);
        assertThat(video.payload().mediaType()).isEqualTo(MediaType.MP4);
        Prompt prompt = Prompt.builder()
                .user()
                .text("Look: ")
                .media(Image.of(png))
                .media(Audio.of(wav))
                .media(video)
                .media(new Document(Payload.of(pdf), "Spec", null, false))
                .media(Document.ofText("Plain \"notes\"").withTitle("Notes"))
                .media(File.ofId("https://generativelanguage.googleapis.com/v1beta/files/abc", MediaType.MP4))
                .media(Image.fromUrl("https://example.com/a.png"))
                .text("Summarise.")
                .end()
                .build();

        client().build().complete(LmRequest.of(prompt));

        Base64.Encoder b64 = Base64.getEncoder();
        assertThat(server.last().json()).isEqualTo(json("""
                {"contents":[{"role":"user","parts":[
                  {"text":"Look: "},
                  {"inline_data":{"mime_type":"image/png","data":"%s"}},
                  {"inline_data":{"mime_type":"audio/wav","data":"%s"}},
                  {"inline_data":{"mime_type":"video/mp4","data":"%s"}},
                  {"inline_data":{"mime_type":"application/pdf","data":"%s"}},
                  {"text":"Document: Notes\\n\\nPlain \\"notes\\""},
                  {"file_data":{"mime_type":"video/mp4","file_uri":"https://generativelanguage.googleapis.com/v1beta/files/abc"}},
                  {"file_data":{"file_uri":"https://example.com/a.png"}},
                  {"text":"Summarise."}]}]}
                """.formatted(
                b64.encodeToString(png), b64.encodeToString(wav), b64.encodeToString(mp4), b64.encodeToString(pdf))));
    }

    @Test
    void mp3AndQuickTimeGoByGeminisDocumentedTypeNames() {
        byte[] mov = TestMedia.mp4(600, 3);
        byte[] qt = mov.clone();
        System.arraycopy(new byte[] {'q', 't', ' ', ' '}, 0, qt, 8, 4);
        System.arraycopy(new byte[] {'q', 't', ' ', ' '}, 0, qt, 16, 4);
        System.arraycopy(new byte[] {'q', 't', ' ', ' '}, 0, qt, 20, 4);
        byte[] mp3 = new byte[400];
        mp3[0] = 'I';
        mp3[1] = 'D';
        mp3[2] = '3';
        client().build()
                .complete(LmRequest.of(Prompt.builder()
                        .user()
                        .media(Video.of(qt))
                        .media(Audio.of(mp3))
                        .end()
                        .build()));
        JsonNode parts = server.last().json().path("contents").get(0).path("parts");
        assertThat(parts.get(0).path("inline_data").path("mime_type").asText()).isEqualTo("video/mov");
        assertThat(parts.get(1).path("inline_data").path("mime_type").asText()).isEqualTo("audio/mp3");
    }

    @Test
    void refusesWhatGeminiCannotTakeBeforeSending() {
        GeminiChat lm = client().build();
        byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0};
        assertThatThrownBy(() -> lm.complete(LmRequest.of(
                        Prompt.builder().user().media(Image.of(gif)).end().build())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image/gif")
                .hasMessageContaining("image/png, image/jpeg, image/webp, image/heic or image/heif");
        assertThatThrownBy(() -> lm.complete(
                        LmRequest.of(Prompt.builder().user("x").build()).withParam("logit_bias", Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'logit_bias'")
                .hasMessageContaining("accepted");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .system()
                        .text("s")
                        .media(Image.of(TestMedia.png(100, 1)))
                        .end()
                        .build())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("system");
        assertThatThrownBy(() ->
                        lm.complete(LmRequest.of(Prompt.builder().user("x").build())
                                .withParam("response_format", Map.of("type", "xml"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'xml'")
                .hasMessageContaining("json_schema, json_object or text");
        assertThatThrownBy(() -> GeminiChat.builder().model("gemini/../x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gemini/../x");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void aBlockedPromptNamesTheReasonAndCategories() {
        server.enqueue(LoopbackServer.json(200, """
                {"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[
                   {"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"},
                   {"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH","blocked":true}]},
                 "usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}
                """));
        ContentBlockedException e = catchThrowableOfType(
                ContentBlockedException.class,
                () -> client().build()
                        .complete(LmRequest.of(Prompt.builder().user("x").build())));
        assertThat(e.reason()).isEqualTo("SAFETY");
        assertThat(e.categories()).containsExactly("HARM_CATEGORY_DANGEROUS_CONTENT");
        assertThat(e.promptBlocked()).isTrue();
        assertThat(e.getMessage()).contains("prompt was blocked (SAFETY: HARM_CATEGORY_DANGEROUS_CONTENT)");
        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void aBlockedAnswerThrowsAndABlockedCandidateBesideAnAnswerIsARefusal() {
        server.enqueue(LoopbackServer.json(200, """
                {"candidates":[{"index":0,"finishReason":"SAFETY","safetyRatings":[
                   {"category":"HARM_CATEGORY_HATE_SPEECH","probability":"MEDIUM"},
                   {"category":"HARM_CATEGORY_HARASSMENT","probability":"LOW"}]}]}
                """), LoopbackServer.json(200, """
                {"candidates":[{"index":0,"content":{"parts":[{"text":"fine"}]},"finishReason":"STOP"},
                  {"index":1,"finishReason":"PROHIBITED_CONTENT"}]}
                """));
        GeminiChat lm = client().build();
        ContentBlockedException e = catchThrowableOfType(
                ContentBlockedException.class,
                () -> lm.complete(LmRequest.of(Prompt.builder().user("x").build())));
        assertThat(e.reason()).isEqualTo("SAFETY");
        assertThat(e.categories()).containsExactly("HARM_CATEGORY_HATE_SPEECH");
        assertThat(e.promptBlocked()).isFalse();

        LmResponse r =
                lm.complete(LmRequest.of(Prompt.builder().user("y").build()).withN(2));
        assertThat(r.first().text()).isEqualTo("fine");
        assertThat(r.first().refused()).isFalse();
        assertThat(r.completions().get(1).refusal()).isEqualTo("blocked (PROHIBITED_CONTENT)");
        assertThat(r.completions().get(1).finishReason()).isEqualTo("prohibited_content");
    }

    record Node(String name, List<Node> children) {}

    record Outline(
            @dev.dspy4j.signature.Input String text,
            @dev.dspy4j.signature.Output Node outline) {}

    @Test
    void recursiveSchemasReachGeminiWithEveryCycleThroughAPropertyThatIsNotRequired() throws Exception {
        // Gemini unrolls cyclic $refs to a limited depth, so it takes them only inside properties that are not
        // required (nullable is not enough); OpenAI strict mode wants every property required: one schema, two rules
        GeminiChat lm = client().build();
        TreeMap<String, Object> params = new TreeMap<>(dev.dspy4j.adapter.JsonAdapter.create()
                .requestParams(dev.dspy4j.signature.Signature.of(Outline.class), lm));
        params.put(
                "tools",
                List.of(dev.dspy4j.module.Tool.of("count", "Counts nodes.", Node.class, n -> 1)
                        .toFunctionSpec()));

        lm.complete(new LmRequest(Prompt.builder().user("q").build(), params, 1, null, true));

        String node =
                "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"children\":{\"type\":\"array\","
                        + "\"items\":{\"$ref\":\"#/$defs/Node\"}}},\"required\":[\"name\"],\"additionalProperties\":false}";
        assertThat(server.last().json()).isEqualTo(json("""
                {"contents":[{"role":"user","parts":[{"text":"q"}]}],
                 "generationConfig":{"responseMimeType":"application/json",
                   "responseJsonSchema":{"type":"object","properties":{"outline":{"$ref":"#/$defs/Node"}},
                     "required":["outline"],"additionalProperties":false,"$defs":{"Node":%s}}},
                 "tools":[{"functionDeclarations":[{"name":"count","description":"Counts nodes.",
                   "parametersJsonSchema":{"type":"object","properties":{"name":{"type":"string"},
                     "children":{"type":"array","items":{"$ref":"#/$defs/Node"}}},"required":["name","children"],
                     "additionalProperties":false,"$defs":{"Node":%s}}}]}]}
                """.formatted(node, node)));
        // what is sent elsewhere is unchanged: OpenAI's strict mode needs every property required
        assertThat(JSON.writeValueAsString(params.get("response_format")))
                .contains("\"required\":[\"name\",\"children\"]");
    }
}
