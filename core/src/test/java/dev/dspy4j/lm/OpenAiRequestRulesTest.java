package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Prompt;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What OpenAI chat completions accept, checked before sending: file parts (PDF only), image and
 * audio types, image detail, and the parameters of reasoning models.
 */
class OpenAiRequestRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackServer server = LoopbackServer.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private OpenAiChat.Builder client(String model) {
        return OpenAiChat.builder().baseUrl(server.url() + "/v1").model(model).cache(null);
    }

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    private static Prompt userWith(dev.dspy4j.media.Media media) {
        return Prompt.builder().user().text("Look.").media(media).end().build();
    }

    /** A BMP header then filler: recognised, but no provider takes it. */
    static byte[] bmp() {
        byte[] b = new byte[80];
        b[0] = 'B';
        b[1] = 'M';
        b[2] = 80;
        return b;
    }

    // ---- item 2: File parts ----

    @Test
    void aFileHoldingAnImageGoesAsAnImagePartAndATextFileAsTextWithItsName() throws Exception {
        byte[] png = TestMedia.png(300, 1);
        byte[] csv = "a,b\n1,\"2\"\n".getBytes(StandardCharsets.UTF_8);
        byte[] pdf = TestMedia.pdf(200, 2);
        OpenAiChat lm = client("gpt-test").build();

        lm.complete(LmRequest.of(Prompt.builder()
                .user()
                .text("Read.")
                .media(File.of(png, "scan.png", MediaType.PNG))
                .media(File.of("hello\n".getBytes(StandardCharsets.UTF_8), "notes.txt", MediaType.TEXT))
                .media(File.of(csv, "table.csv", MediaType.of("text/csv")))
                .media(File.of(pdf, "report.pdf", MediaType.PDF))
                .end()
                .build()));

        Base64.Encoder b64 = Base64.getEncoder();
        assertThat(server.last().json())
                .isEqualTo(json("""
                {"model":"gpt-test","messages":[{"role":"user","content":[
                  {"type":"text","text":"Read."},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,%s"}},
                  {"type":"text","text":"File: notes.txt\\n\\nhello\\n"},
                  {"type":"text","text":"File: table.csv\\n\\na,b\\n1,\\"2\\"\\n"},
                  {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,%s"}}]}]}
                """.formatted(b64.encodeToString(png), b64.encodeToString(pdf))));
    }

    @Test
    void aFileOfAnotherTypeIsRefusedBeforeSendingNamingTheFileAndTheAcceptedTypes() {
        OpenAiChat lm = client("gpt-test").build();
        File zip = File.of(Payload.of(new byte[] {'P', 'K', 3, 4, 0, 0}, MediaType.of("application/zip")), "data.zip");

        assertThatThrownBy(() -> lm.complete(LmRequest.of(userWith(zip))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("file data.zip is application/zip; OpenAI chat completions take files that are PDF"
                        + " (application/pdf), images (image/png, image/jpeg, image/gif or image/webp, sent as image parts)"
                        + " or text (text/..., application/json, application/xml, sent as text parts)");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(userWith(File.of(Payload.of(bmp()), "x.bmp")))))
                .hasMessage("file x.bmp is image/bmp, which OpenAI chat completions does not take (images: image/png,"
                        + " image/jpeg, image/gif or image/webp)");
        assertThat(server.requestCount()).isZero();
    }

    @Test
    void aFileIdOfAKnownTypeOtherThanPdfIsRefusedBeforeSending() throws Exception {
        OpenAiChat lm = client("gpt-test").build();

        // chat completions take a file id only for a PDF: an uploaded image or text file would be refused by the API
        assertThatThrownBy(() -> lm.complete(LmRequest.of(userWith(File.ofId("file-img", MediaType.PNG)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("file id file-img is image/png; OpenAI chat completions take a file id only for a PDF"
                        + " (application/pdf); send an image's or a text file's bytes instead (File.of), which go as"
                        + " image or text parts");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(userWith(File.ofId("file-txt", MediaType.TEXT)))))
                .hasMessageStartingWith(
                        "file id file-txt is text/plain; OpenAI chat completions take a file id only for a PDF");
        assertThat(server.requestCount()).isZero();

        lm.complete(LmRequest.of(userWith(File.ofId("file-pdf", MediaType.PDF))));
        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"gpt-test","messages":[{"role":"user","content":[{"type":"text","text":"Look."},
                  {"type":"file","file":{"file_id":"file-pdf"}}]}]}"""));
        lm.complete(LmRequest.of(userWith(File.ofId("file-unknown"))));
        assertThat(server.last().json().at("/messages/0/content/1")).isEqualTo(json("""
                {"type":"file","file":{"file_id":"file-unknown"}}"""));
    }

    // ---- item 3: media types and options ----

    @Test
    void imageTypesDetailAndAudioFormatsAreCheckedBeforeSending() {
        OpenAiChat lm = client("gpt-test").build();
        Image bmpImage = Image.of(bmp());
        assertThat(bmpImage.payload().mediaType()).isEqualTo(MediaType.BMP);

        assertThatThrownBy(() -> lm.complete(LmRequest.of(userWith(bmpImage))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("image in-memory bytes is image/bmp, which OpenAI chat completions does not take (images:"
                        + " image/png, image/jpeg, image/gif or image/webp)");
        assertThatThrownBy(() -> lm.complete(
                        LmRequest.of(userWith(Image.of(TestMedia.png(100, 1)).withDetail("medium")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "image in-memory bytes has detail 'medium'; OpenAI chat completions take detail auto, low or high");
        assertThatThrownBy(() -> lm.complete(LmRequest.of(
                        userWith(Image.fromUrl("https://example.com/a.png").withDetail("HIGH")))))
                .hasMessage("image https://example.com/a.png has detail 'HIGH'; OpenAI chat completions take detail"
                        + " auto, low or high");
        byte[] flac = {'f', 'L', 'a', 'C', 0, 0, 0, 0x22, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> lm.complete(LmRequest.of(userWith(Audio.of(flac)))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "audio in-memory bytes is audio/flac; OpenAI chat completions take audio in format wav or mp3"
                                + " (audio/wav or audio/mpeg)");
        assertThat(server.requestCount()).isZero();

        for (String detail : new String[] {"auto", "low", "high"}) {
            lm.complete(LmRequest.of(userWith(Image.of(TestMedia.png(100, 1)).withDetail(detail))));
        }
        assertThat(server.requestCount()).isEqualTo(3);
    }

    // ---- item 4: reasoning models ----

    @Test
    void aReasoningModelGetsMaxCompletionTokensAndNoTemperatureOtherThanOne() throws Exception {
        OpenAiChat gpt5 = client("gpt-5").maxTokens(4000).temperature(0.7).build();
        assertThat(gpt5.isReasoningModel()).isTrue();

        gpt5.complete(LmRequest.of(Prompt.builder().user("Hi").build()));
        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"gpt-5","max_completion_tokens":4000,"messages":[{"role":"user","content":"Hi"}]}"""));

        // a request's own max_completion_tokens wins; temperature 1 is what the model takes, so it is kept
        gpt5.complete(LmRequest.of(Prompt.builder().user("Hi").build())
                .withParam("max_completion_tokens", 100)
                .withParam("temperature", 1.0)
                .withParam("top_p", 0.5));
        assertThat(server.last().json()).isEqualTo(json("""
                {"model":"gpt-5","max_completion_tokens":100,"temperature":1.0,"messages":[{"role":"user","content":"Hi"}]}"""));

        for (String m : new String[] {
            "o1",
            "o1-mini",
            "o3-mini",
            "o3-2025-04-16",
            "o4-mini-2025-04-16",
            "gpt-5-mini",
            "gpt-5.1",
            "openai/o3",
            "openai/o4-mini",
            "ft:o4-mini-2025-04-16:acme:grader:AbC123",
            "openai/ft:o4-mini-2025-04-16:acme::x1"
        }) {
            OpenAiChat lm = client(m).maxTokens(10).build();
            assertThat(lm.isReasoningModel()).as(m).isTrue();
            lm.complete(LmRequest.of(Prompt.builder().user("Hi").build()));
            assertThat(server.last().json().has("max_tokens")).as(m).isFalse();
            assertThat(server.last().json().get("max_completion_tokens").asInt())
                    .as(m)
                    .isEqualTo(10);
        }
    }

    @Test
    void otherModelsKeepMaxTokensAndTemperature() throws Exception {
        for (String m : new String[] {
            "gpt-4o",
            "gpt-4o-mini",
            "gpt-4.1",
            "gpt-5-chat-latest",
            "omni-moderation",
            "llama3",
            "ft:gpt-4o-mini-2024-07-18:acme::x1"
        }) {
            OpenAiChat lm = client(m).maxTokens(10).temperature(0.3).build();
            assertThat(lm.isReasoningModel()).as(m).isFalse();
            lm.complete(LmRequest.of(Prompt.builder().user("Hi").build()));
            assertThat(server.last().json()).as(m).isEqualTo(json("""
                    {"model":"%s","max_tokens":10,"temperature":0.3,"messages":[{"role":"user","content":"Hi"}]}
                    """.formatted(m)));
        }
    }
}
