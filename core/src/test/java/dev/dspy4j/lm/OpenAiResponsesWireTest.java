package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.openai.OpenAiResponses;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.module.Predict;
import dev.dspy4j.prompt.Prompt;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The exact JSON the Responses endpoint receives for text, media, schema, reasoning and tools. */
class OpenAiResponsesWireTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackServer server = LoopbackServer.start().defaultReply(LoopbackServer.json(200, response("ok")));

    @AfterEach
    void stop() {
        server.close();
    }

    /** A completed response with one output_text part and usage. */
    static String response(String text) {
        return "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-r-1\",\"output\":["
                + "{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]},"
                + "{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":["
                + "{\"type\":\"output_text\",\"text\":" + JSON.getNodeFactory().textNode(text)
                + ",\"annotations\":[]}]}],"
                + "\"usage\":{\"input_tokens\":40,\"input_tokens_details\":{\"cached_tokens\":32},\"output_tokens\":9,"
                + "\"output_tokens_details\":{\"reasoning_tokens\":4},\"total_tokens\":49}}";
    }

    private OpenAiResponses.Builder client() {
        return OpenAiResponses.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-4.1-mini")
                .cache(null);
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void textPromptGoesAsInstructionsAndInputWithMappedParameters() throws Exception {
        OpenAiResponses lm =
                client().apiKey("sk-abc").temperature(0.2).maxTokens(50).build();
        Prompt prompt = Prompt.builder()
                .system("You add numbers.")
                .system("Be brief.")
                .user("1 + \"1\"?")
                .assistant("2")
                .user("2 + 2?")
                .build();

        LmResponse r = lm.complete(LmRequest.of(prompt, Map.of("store", false, "metadata", Map.of("run", "7"))));

        LoopbackServer.Received got = server.last();
        assertThat(got.path()).isEqualTo("/v1/responses");
        assertThat(got.header("Authorization")).isEqualTo("Bearer sk-abc");
        assertThat(got.header("Content-Length")).isEqualTo(String.valueOf(got.body().length));
        assertThat(got.bodyText())
                .isEqualTo("{\"model\":\"gpt-4.1-mini\",\"instructions\":\"You add numbers.\\n\\nBe brief.\","
                        + "\"max_output_tokens\":50,\"metadata\":{\"run\":\"7\"},\"store\":false,\"temperature\":0.2,\"input\":["
                        + "{\"role\":\"user\",\"content\":\"1 + \\\"1\\\"?\"},{\"role\":\"assistant\",\"content\":\"2\"},"
                        + "{\"role\":\"user\",\"content\":\"2 + 2?\"}]}");
        assertThat(r.first().text()).isEqualTo("ok");
        assertThat(r.first().finishReason()).isEqualTo("stop");
        assertThat(r.usage()).isEqualTo(new Usage(40, 9, 32, 0, 4));
        assertThat(r.model()).isEqualTo("gpt-r-1");
    }

    @Test
    void imagesAndFilesGoAsInputPartsWithBase64FromTheBytes() throws Exception {
        byte[] png = TestMedia.png(3000, 1);
        byte[] pdf = TestMedia.pdf(1500, 3);
        byte[] pdf2 = TestMedia.pdf(700, 4);
        Prompt prompt = Prompt.builder()
                .system("Describe.")
                .user()
                .text("Look: ")
                .media(Image.of(png).withDetail("low"))
                .text(" and ")
                .media(Image.fromUrl("https://example.com/cat.jpg"))
                .media(File.of(pdf, "report.pdf", MediaType.PDF))
                .media(new Document(Payload.of(pdf2), "Annual report", null, true))
                .media(Document.ofText("Line 1\n\"quoted\" é")
                        .withTitle("Notes")
                        .withContext("from the wiki"))
                .text("Done?")
                .end()
                .build();

        client().build().complete(LmRequest.of(prompt));

        Base64.Encoder b64 = Base64.getEncoder();
        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"gpt-4.1-mini","instructions":"Describe.","input":[
                  {"role":"user","content":[
                    {"type":"input_text","text":"Look: "},
                    {"type":"input_image","image_url":"data:image/png;base64,%s","detail":"low"},
                    {"type":"input_text","text":" and "},
                    {"type":"input_image","image_url":"https://example.com/cat.jpg"},
                    {"type":"input_file","filename":"report.pdf","file_data":"data:application/pdf;base64,%s"},
                    {"type":"input_file","filename":"Annual report.pdf","file_data":"data:application/pdf;base64,%s"},
                    {"type":"input_text","text":"Document: Notes\\nfrom the wiki\\n\\nLine 1\\n\\"quoted\\" é"},
                    {"type":"input_text","text":"Done?"}]}]}
                """.formatted(
                        b64.encodeToString(png), b64.encodeToString(pdf), b64.encodeToString(pdf2))));
    }

    @Test
    void fileIdsGoAsInputImageOrInputFileByTheirType() throws Exception {
        Prompt prompt = Prompt.builder()
                .user()
                .text("Compare.")
                .media(File.ofId("file-img", MediaType.PNG))
                .media(File.ofId("file-pdf", MediaType.PDF))
                .media(File.ofId("file-any"))
                .end()
                .build();

        client().build().complete(LmRequest.of(prompt));

        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"gpt-4.1-mini","input":[{"role":"user","content":[
                  {"type":"input_text","text":"Compare."},
                  {"type":"input_image","file_id":"file-img"},
                  {"type":"input_file","file_id":"file-pdf"},
                  {"type":"input_file","file_id":"file-any"}]}]}
                """));
    }

    @Test
    void aJsonSchemaResponseFormatBecomesTextFormatAndReasoningEffortReasoning() throws Exception {
        OpenAiResponses lm = client().model("o4-mini")
                .reasoningEffort("low")
                .maxOutputTokens(900)
                .build();
        TreeMap<String, Object> params = new TreeMap<>();
        params.put("response_format", json("""
                {"type":"json_schema","json_schema":{"name":"answer","strict":true,
                 "schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":false}}}
                """));
        params.put("text", Map.of("verbosity", "low"));
        params.put("temperature", 0.5); // a reasoning model takes only the default: not sent
        params.put("max_tokens", 10); // max_output_tokens wins

        lm.complete(new LmRequest(Prompt.builder().user("a?").build(), params, 1, null, true));

        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"o4-mini","max_output_tokens":900,
                 "reasoning":{"effort":"low"},
                 "text":{"verbosity":"low","format":{"type":"json_schema","name":"answer",
                   "schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":false},
                   "strict":true}},
                 "input":[{"role":"user","content":"a?"}]}
                """));
    }

    @Test
    void theJsonAdapterAsksForTextFormatWhenStructuredOutputsAreOn() {
        server.enqueue(LoopbackServer.json(200, response("{\"answer\": \"Paris\"}")));
        OpenAiResponses lm = client().structuredOutputs(true).build();
        var p = Predict.of("question -> answer")
                .withAdapter(dev.dspy4j.adapter.JsonAdapter.create())
                .withLm(lm)
                .call(Map.of("question", "capital of France?"));
        assertThat(p.getString("answer")).isEqualTo("Paris");
        JsonNode format = server.last().json().path("text").path("format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("schema").path("required").toString()).isEqualTo("[\"answer\"]");
        assertThat(server.last().json().has("response_format")).isFalse();
    }

    @Test
    void functionToolsAreFlattenedAndFunctionCallsRead() throws Exception {
        server.enqueue(LoopbackServer.json(200, """
                {"object":"response","status":"completed","model":"m","output":[
                  {"type":"function_call","id":"fc_1","call_id":"call_1","name":"add","arguments":"{\\"a\\":1}"}],
                 "usage":{"input_tokens":5,"output_tokens":2}}
                """));
        TreeMap<String, Object> params = new TreeMap<>();
        params.put(
                "tools",
                json("[{\"type\":\"function\",\"function\":{\"name\":\"add\",\"description\":\"Adds.\","
                        + "\"parameters\":{\"type\":\"object\"}}},{\"type\":\"web_search\"}]"));
        params.put("tool_choice", json("{\"type\":\"function\",\"function\":{\"name\":\"add\"}}"));
        params.put("parallel_tool_calls", false);

        LmResponse r = client().build()
                .complete(new LmRequest(Prompt.builder().user("1+?").build(), params, 1, null, true));

        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"gpt-4.1-mini","parallel_tool_calls":false,
                 "tools":[{"type":"function","name":"add","description":"Adds.","parameters":{"type":"object"}},{"type":"web_search"}],
                 "tool_choice":{"type":"function","name":"add"},
                 "input":[{"role":"user","content":"1+?"}]}
                """));
        assertThat(r.first().toolCalls()).containsExactly(new ToolCall("call_1", "add", "{\"a\":1}"));
        assertThat(r.first().finishReason()).isEqualTo("tool_calls");
        assertThat(r.first().text()).isEmpty();
    }

    @Test
    void nAboveOneMakesOneCallPerCompletionAndSumsUsage() {
        LmResponse r = client().build()
                .complete(LmRequest.of(Prompt.builder().user("hi").build()).withN(3));
        assertThat(r.completions()).hasSize(3);
        assertThat(r.usage()).isEqualTo(new Usage(120, 27, 96, 0, 12));
        assertThat(server.requestCount()).isEqualTo(3);
        assertThat(server.last().json().has("n")).isFalse();
    }

    @Test
    void audioVideoChatOnlyParametersAndMediaOutsideUserMessagesAreRefusedBeforeSending() {
        OpenAiResponses lm = client().build();
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .user()
                        .media(Audio.of(TestMedia.wav(100, 1)))
                        .end()
                        .build())))
                .isInstanceOf(UnsupportedInputException.class)
                .hasMessageContaining("audio")
                .hasMessageContaining("OpenAI Responses API takes text, images (image/png, image/jpeg,")
                .hasMessageContaining("OpenAiChat");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .user()
                        .media(dev.dspy4j.media.Video.of(TestMedia.mp4(100, 1)))
                        .end()
                        .build())))
                .isInstanceOf(UnsupportedInputException.class)
                .hasMessageContaining("no video input");
        assertThatThrownBy(() ->
                        lm.complete(LmRequest.of(Prompt.builder().user("x").build(), Map.of("stop", List.of("\n")))))
                .isInstanceOf(UnsupportedInputException.class)
                .hasMessageContaining("parameter 'stop'")
                .hasMessageContaining("max_output_tokens");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .assistant()
                        .media(Image.of(TestMedia.png(50, 1)))
                        .end()
                        .build())))
                .isInstanceOf(UnsupportedInputException.class)
                .hasMessageContaining("assistant messages as text only");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .user()
                        .media(File.of(new byte[] {1, 2}, "a.bin", MediaType.of("application/octet-stream")))
                        .end()
                        .build())))
                .isInstanceOf(UnsupportedInputException.class)
                .hasMessageContaining("file a.bin is application/octet-stream")
                .hasMessageContaining("PDF (application/pdf, as input_file)");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .user()
                        .media(File.ofId("file-t", MediaType.TEXT))
                        .end()
                        .build())))
                .isInstanceOf(UnsupportedInputException.class)
                .hasMessageContaining("file id file-t is text/plain");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void builderChecksItsValues() {
        assertThatThrownBy(() -> OpenAiResponses.builder().reasoningEffort("max"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("none, minimal, low, medium, high, xhigh");
        assertThatThrownBy(() -> OpenAiResponses.builder().maxOutputTokens(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> OpenAiResponses.builder().build()).hasMessageContaining("needs a model");
    }
}
