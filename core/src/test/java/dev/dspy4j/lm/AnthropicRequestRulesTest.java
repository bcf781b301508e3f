package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.adapter.JsonAdapter;
import dev.dspy4j.lm.anthropic.AnthropicChat;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Signature;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Messages API's own shapes: tools and tool choice, Files API ids, structured outputs, and the
 * image types it takes.
 */
class AnthropicRequestRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackServer server =
            LoopbackServer.start().defaultReply(LoopbackServer.json(200, LoopbackServer.anthropicMessage("ok")));

    @AfterEach
    void stop() {
        server.close();
    }

    private AnthropicChat.Builder client(String model) {
        return AnthropicChat.builder()
                .baseUrl(server.url())
                .model(model)
                .cache(null)
                .maxAttempts(1);
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static final Prompt HI = Prompt.builder().user("Hi").build();

    // ---- item 1: tools ----

    @Test
    void openAiShapedToolsAndToolChoiceAreSentInAnthropicsShape() throws Exception {
        AnthropicChat lm = client("claude-test").build();
        assertThat(lm.supportsNativeTools()).isTrue();
        List<Object> tools = List.of(
                Map.of(
                        "type",
                        "function",
                        "function",
                        Map.of(
                                "name",
                                "author",
                                "description",
                                "Finds an author.",
                                "parameters",
                                Map.of(
                                        "type",
                                        "object",
                                        "properties",
                                        Map.of("title", Map.of("type", "string")),
                                        "required",
                                        List.of("title")))),
                Map.of("type", "function", "function", Map.of("name", "finish")),
                json("{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":2}"));

        lm.complete(LmRequest.of(HI)
                .withParam("tools", tools)
                .withParam("tool_choice", "required")
                .withParam("parallel_tool_calls", false));

        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"claude-test","max_tokens":1024,
                 "tools":[{"name":"author","description":"Finds an author.",
                           "input_schema":{"type":"object","properties":{"title":{"type":"string"}},"required":["title"]}},
                          {"name":"finish","input_schema":{"type":"object","properties":{}}},
                          {"type":"web_search_20250305","name":"web_search","max_uses":2}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true},
                 "messages":[{"role":"user","content":"Hi"}]}"""));
    }

    @Test
    void eachToolChoiceFormMapsToAnthropicsForm() throws Exception {
        AnthropicChat lm = client("claude-test").build();
        Object[][] cases = {
            {"auto", "{\"type\":\"auto\"}"},
            {"none", "{\"type\":\"none\"}"},
            {"required", "{\"type\":\"any\"}"},
            {Map.of("type", "function", "function", Map.of("name", "author")), "{\"type\":\"tool\",\"name\":\"author\"}"
            },
            {Map.of("type", "tool", "name", "author"), "{\"type\":\"tool\",\"name\":\"author\"}"},
        };
        for (Object[] c : cases) {
            lm.complete(LmRequest.of(HI).withParam("tool_choice", c[0]));
            assertThat(server.last().json().get("tool_choice"))
                    .as(String.valueOf(c[0]))
                    .isEqualTo(json((String) c[1]));
        }
        lm.complete(LmRequest.of(HI).withParam("parallel_tool_calls", false));
        assertThat(server.last().json().get("tool_choice"))
                .isEqualTo(json("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"));
        assertThat(server.last().json().has("parallel_tool_calls")).isFalse();
        assertThatThrownBy(() -> lm.complete(LmRequest.of(HI).withParam("tool_choice", "sometimes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "tool_choice 'sometimes' is not one of auto, none, required, or an object naming a function");
    }

    // ---- item 5: Files API ----

    @Test
    void fileIdsSendTheFilesApiBetaHeaderAndAnImageIdGoesInAnImageBlock() throws Exception {
        AnthropicChat lm = client("claude-test").build();

        lm.complete(LmRequest.of(Prompt.builder()
                .user()
                .text("Compare.")
                .media(File.ofId("file_img", MediaType.PNG))
                .media(File.ofId("file_pdf", MediaType.PDF))
                .media(File.ofId("file_unknown"))
                .end()
                .build()));

        LoopbackServer.Received got = server.last();
        assertThat(got.header("anthropic-beta")).isEqualTo("files-api-2025-04-14");
        assertThat(got.json()).isEqualTo(json("""
                {"model":"claude-test","max_tokens":1024,"messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare."},
                  {"type":"image","source":{"type":"file","file_id":"file_img"}},
                  {"type":"document","source":{"type":"file","file_id":"file_pdf"}},
                  {"type":"document","source":{"type":"file","file_id":"file_unknown"}}]}]}"""));

        lm.complete(LmRequest.of(HI));
        assertThat(server.last().header("anthropic-beta"))
                .as("no file id, no beta")
                .isNull();

        AnthropicChat withBeta =
                client("claude-test").beta("context-1m-2025-08-07").build();
        withBeta.complete(LmRequest.of(
                Prompt.builder().user().media(File.ofId("f1")).end().build()));
        assertThat(server.last().header("anthropic-beta")).isEqualTo("context-1m-2025-08-07,files-api-2025-04-14");
    }

    @Test
    void aFileIdOfATypeNoBlockTakesIsRefusedBeforeSending() throws Exception {
        AnthropicChat lm = client("claude-test").build();
        // a file id goes in an image block (images) or a document block (PDF, plain text); anything else
        // would be rejected by the API once the whole request was sent
        for (String type : List.of("text/csv", "application/json", "application/zip")) {
            assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                            .user()
                            .media(File.ofId("file_x", MediaType.of(type)))
                            .end()
                            .build())))
                    .as(type)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("file id file_x is " + type + ", which the Anthropic Messages API does not take by id"
                            + " (images image/png, image/jpeg, image/gif or image/webp in an image block; application/pdf"
                            + " or text/plain in a document block); send the file's bytes instead (File.of)");
        }
        assertThat(server.requestCount()).isZero();

        lm.complete(LmRequest.of(Prompt.builder()
                .user()
                .media(File.ofId("file_t", MediaType.TEXT))
                .end()
                .build()));
        assertThat(server.last().json().at("/messages/0/content/0")).isEqualTo(json("""
                {"type":"document","source":{"type":"file","file_id":"file_t"}}"""));
    }

    // ---- item 3 on Anthropic: image types ----

    @Test
    void imageTypesAreCheckedBeforeSending() {
        AnthropicChat lm = client("claude-test").build();
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .user()
                        .media(Image.of(OpenAiRequestRulesTest.bmp()))
                        .end()
                        .build())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "image in-memory bytes is image/bmp, which the Anthropic Messages API does not take (images:"
                                + " image/png, image/jpeg, image/gif or image/webp)");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(Prompt.builder()
                        .user()
                        .media(File.ofId("file_1", MediaType.TIFF))
                        .end()
                        .build())))
                .hasMessage("file id file_1 is image/tiff, which the Anthropic Messages API does not take by id"
                        + " (images image/png, image/jpeg, image/gif or image/webp in an image block; application/pdf"
                        + " or text/plain in a document block); send the file's bytes instead (File.of)");
        assertThat(server.requestCount()).isZero();
    }

    // ---- item 6: structured outputs ----

    @Test
    void jsonAdaptersSchemaBecomesOutputConfigFormatOnModelsThatHaveStructuredOutputs() throws Exception {
        Signature sig = Signature.parse("question -> answer, confidence: float");
        AnthropicChat sonnet = client("claude-sonnet-4-5").build();
        assertThat(sonnet.supportsStructuredOutputs()).isTrue();
        Map<String, Object> params = JsonAdapter.create().requestParams(sig, sonnet);

        sonnet.complete(LmRequest.of(HI, params).withParam("output_config", Map.of("effort", "low")));

        JsonNode body = server.last().json();
        assertThat(body.has("response_format")).isFalse();
        assertThat(body.get("output_config"))
                .isEqualTo(json("""
                {"effort":"low","format":{"type":"json_schema","schema":%s}}
                """.formatted(JSON.writeValueAsString(JsonAdapter.outputSchema(sig)))));
        assertThat(server.last().header("anthropic-beta")).isNull();
    }

    @Test
    void modelsWithoutStructuredOutputsGetNoFormatAndTheAdapterAsksForJsonInThePrompt() throws Exception {
        AnthropicChat older = client("claude-3-5-haiku-20241022").build();
        assertThat(older.supportsStructuredOutputs()).isFalse();
        Map<String, Object> params = JsonAdapter.create().requestParams(Signature.parse("q -> a"), older);

        older.complete(LmRequest.of(HI, params));

        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"claude-3-5-haiku-20241022","max_tokens":1024,"messages":[{"role":"user","content":"Hi"}]}"""));
    }

    @Test
    void structuredOutputSupportFollowsTheModelVersion() {
        for (String m : List.of(
                "claude-sonnet-4-5",
                "claude-sonnet-4-5-20250929",
                "claude-opus-4-5",
                "claude-haiku-4-5",
                "claude-opus-4-6",
                "claude-sonnet-4-6",
                "claude-opus-5")) {
            assertThat(client(m).build().supportsStructuredOutputs()).as(m).isTrue();
        }
        for (String m : List.of(
                "claude-sonnet-4-20250514",
                "claude-opus-4-1",
                "claude-opus-4-1-20250805",
                "claude-3-7-sonnet-latest",
                "claude-3-5-haiku-20241022",
                "claude-test")) {
            assertThat(client(m).build().supportsStructuredOutputs()).as(m).isFalse();
        }
        assertThat(client("claude-test").structuredOutputs(true).build().supportsStructuredOutputs())
                .isTrue();
    }

    record Node(String name, List<Node> children) {}

    record Outline(
            @dev.dspy4j.signature.Input String text,
            @dev.dspy4j.signature.Output Node outline) {}

    @Test
    void aRecursiveOutputSchemaIsLeftToThePromptSinceAnthropicsStructuredOutputsRefuseRecursion() throws Exception {
        // Anthropic's structured outputs list recursive schemas as unsupported: sending one is a 400 on every call
        AnthropicChat sonnet = client("claude-sonnet-4-5").build();
        Map<String, Object> params = JsonAdapter.create().requestParams(Signature.of(Outline.class), sonnet);
        assertThat(JSON.writeValueAsString(params)).contains("\"$defs\"");

        sonnet.complete(LmRequest.of(HI, params).withParam("output_config", Map.of("effort", "low")));

        assertThat(server.last().json().get("output_config")).isEqualTo(json("{\"effort\":\"low\"}"));
        sonnet.complete(LmRequest.of(Prompt.builder().user("Hi again").build(), params));
        assertThat(server.last().json().has("output_config")).isFalse();
    }
}
