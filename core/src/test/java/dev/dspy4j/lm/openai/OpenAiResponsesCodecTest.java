package dev.dspy4j.lm.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.http.StreamingBody;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Prompt;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The codec's upload hook: a payload with a provider file id goes by that id, any other inline. */
class OpenAiResponsesCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String write(LmRequest request, Function<Payload, String> uploaded) throws Exception {
        StreamingBody body = new StreamingBody(
                JSON, b -> OpenAiResponsesCodec.write(b, "m", request, false, uploaded), Runnable::run, 4096);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        body.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void uploadedImagesAndPdfsGoByFileIdOthersInline() throws Exception {
        Payload uploadedPng = Payload.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1});
        Payload inlinePng = Payload.of(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 2});
        Payload uploadedPdf = Payload.of("%PDF-1.4 one".getBytes(StandardCharsets.US_ASCII));
        Prompt prompt = Prompt.builder()
                .user()
                .media(Image.of(uploadedPng).withDetail("high"))
                .media(Image.of(inlinePng))
                .media(File.of(uploadedPdf, "a.pdf"))
                .media(new Document(uploadedPdf, "Same", null, false))
                .media(File.of(Payload.wrap("plain".getBytes(StandardCharsets.UTF_8), MediaType.TEXT), "n.txt"))
                .end()
                .build();
        Function<Payload, String> ids =
                p -> uploadedPng.equals(p) ? "file-png" : uploadedPdf.equals(p) ? "file-pdf" : null;

        String body = write(LmRequest.of(prompt), ids);

        assertThat(body)
                .isEqualTo("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":["
                        + "{\"type\":\"input_image\",\"file_id\":\"file-png\",\"detail\":\"high\"},"
                        + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,"
                        + Base64.getEncoder()
                                .encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 2})
                        + "\"},"
                        + "{\"type\":\"input_file\",\"file_id\":\"file-pdf\"},"
                        + "{\"type\":\"input_file\",\"file_id\":\"file-pdf\"},"
                        + "{\"type\":\"input_text\",\"text\":\"File: n.txt\\n\\nplain\"}]}]}");
    }
}
