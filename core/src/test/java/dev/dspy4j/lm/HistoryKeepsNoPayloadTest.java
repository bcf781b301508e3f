package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Audio;
import dev.dspy4j.media.Document;
import dev.dspy4j.media.File;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadException;
import dev.dspy4j.module.Predict;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LM history keeps what it shows of a payload (kind, type, size, digest, file name), never its bytes. */
class HistoryKeepsNoPayloadTest {
    private final LoopbackServer server = LoopbackServer.start();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    /** Runs GCs until the reference is cleared (or gives up after a few). */
    private static boolean collected(WeakReference<?> ref) throws InterruptedException {
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ref.get() == null;
    }

    /** Makes the bytes in a separate frame, so no local of the test method holds them. */
    private static WeakReference<byte[]> predictWithInMemoryImage(Predict predict, int seed) {
        byte[] png = TestMedia.png(200_000, seed);
        predict.call(Map.of("image", Image.of(Payload.wrap(png))));
        return new WeakReference<>(png);
    }

    @Test
    void anInMemoryImageIsCollectableAfterItsPredictionThoughHistoryRecordsIt() throws Exception {
        OpenAiChat lm = OpenAiChat.builder()
                .baseUrl(server.url() + "/v1")
                .model("gpt-test")
                .cache(null)
                .build();
        server.defaultReply(LoopbackServer.json(200, LoopbackServer.chatCompletion("[[ ## label ## ]]\ncat")));
        Predict predict = Predict.of("image: Image -> label").withLm(lm);

        WeakReference<byte[]> bytes = predictWithInMemoryImage(predict, 1);

        assertThat(collected(bytes))
                .as("the image's bytes are not kept alive by the history")
                .isTrue();
        assertThat(lm.history().size()).isEqualTo(1);
        String shown = lm.inspectHistory(1);
        assertThat(shown).contains("<Image image/png 200000 bytes>");
    }

    @Test
    void aRecordedPartShowsKindTypeSizeDigestAndFileNameButCannotBeRead() {
        byte[] png = TestMedia.png(3000, 2);
        Payload p = Payload.wrap(png);
        p.digest();
        Prompt prompt = Prompt.builder()
                .user()
                .text("See")
                .media(Image.of(p).withDetail("low"))
                .media(Audio.of(TestMedia.wav(2000, 3)))
                .media(File.of(TestMedia.pdf(900, 4), "scan.pdf", MediaType.PDF))
                .media(Document.ofText("notes").withTitle("Notes").withCitations(true))
                .end()
                .build();

        Prompt kept = prompt.withoutPayloadBytes();

        List<Part> parts = kept.messages().get(0).parts();
        Image img = ((Part.ImagePart) parts.get(1)).image();
        assertThat(img.detail()).isEqualTo("low");
        assertThat(img.payload().mediaType()).isEqualTo(MediaType.PNG);
        assertThat(img.payload().size()).isEqualTo(3000);
        assertThat(img.payload().digest()).isEqualTo(p.digest());
        assertThat(img.payload().hasBytes()).isFalse();
        assertThat(img.payload().describe()).isEqualTo("in-memory bytes");
        assertThatThrownBy(() -> img.payload().openStream())
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("its bytes are not kept");
        Payload audio = ((Part.AudioPart) parts.get(2)).audio().payload();
        assertThatThrownBy(audio::digest)
                .isInstanceOf(PayloadException.class)
                .hasMessage("in-memory bytes is kept without its bytes (a record of a call), and its digest was not"
                        + " computed before");
        File f = ((Part.FilePart) parts.get(3)).file();
        assertThat(f.filename()).isEqualTo("scan.pdf");
        assertThat(f.payload().hasBytes()).isFalse();
        Document d = ((Part.DocumentPart) parts.get(4)).document();
        assertThat(d.title()).isEqualTo("Notes");
        assertThat(d.citations()).isTrue();
        assertThat(d.payload().size()).isEqualTo(5);
        assertThat(parts.get(0)).isEqualTo(new Part.Text("See"));
    }

    @Test
    void fileBackedPayloadsAndTextOnlyPromptsAreKeptAsTheyAre() throws Exception {
        Path png = Files.write(dir.resolve("a.png"), TestMedia.png(500, 5));
        Prompt withFile =
                Prompt.builder().user().text("x").media(Image.of(png)).end().build();
        Prompt text = Prompt.builder().user("hello").build();

        assertThat(withFile.withoutPayloadBytes()).isSameAs(withFile);
        assertThat(text.withoutPayloadBytes()).isSameAs(text);
    }
}
