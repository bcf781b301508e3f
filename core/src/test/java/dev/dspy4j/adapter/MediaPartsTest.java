package dev.dspy4j.adapter;

import static dev.dspy4j.adapter.MediaFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.media.History;
import dev.dspy4j.media.Image;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadSource;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.prompt.Role;
import dev.dspy4j.signature.Example;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The actual part objects: media parts refer to the very media instances given, and no payload is read. */
class MediaPartsTest {

    @Test
    void imageInputIsOneImagePartBetweenTwoTexts() {
        Prompt p = ChatAdapter.create().format(IMAGE_QA, List.of(), Map.of("image", RED, "question", "Q?"));
        assertThat(p.messages()).hasSize(2);
        Message user = p.messages().get(1);
        assertThat(user.role()).isEqualTo(Role.USER);
        List<Part> parts = user.parts();
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0)).isEqualTo(new Part.Text("[[ ## image ## ]]\n"));
        assertThat(parts.get(1)).isInstanceOf(Part.ImagePart.class);
        assertThat(((Part.ImagePart) parts.get(1)).image()).isSameAs(RED);
        assertThat(parts.get(2))
                .isEqualTo(new Part.Text("\n\n[[ ## question ## ]]\nQ?\n\n"
                        + "Answer with `[[ ## answer ## ]]`, and end with `[[ ## completed ## ]]`."));
        assertThat(p.messages().get(0).isText()).isTrue();
    }

    @Test
    void listOfImagesKeepsItsPunctuationAsTextBetweenParts() {
        Prompt p = XmlAdapter.create().format(GALLERY, List.of(), Map.of("images", List.of(RED, GREEN, BLUE)));
        List<Part> parts = p.messages().get(1).parts();
        assertThat(parts).hasSize(7);
        assertThat(parts.get(0)).isEqualTo(new Part.Text("<images>\n["));
        assertThat(parts.get(1).media()).isSameAs(RED);
        assertThat(parts.get(2)).isEqualTo(new Part.Text(", "));
        assertThat(parts.get(3).media()).isSameAs(GREEN);
        assertThat(parts.get(4)).isEqualTo(new Part.Text(", "));
        assertThat(parts.get(5).media()).isSameAs(BLUE);
        assertThat(parts.get(6)).isEqualTo(new Part.Text("]\n</images>\n\nAnswer with `<caption>`, closing each tag."));
    }

    /** A record input that holds an image, as a record-form signature allows. */
    record Photo(Image image, String caption) {}

    record Describe(
            @dev.dspy4j.signature.Input Photo photo,
            @dev.dspy4j.signature.Input List<Photo> more,
            @dev.dspy4j.signature.Output String label) {}

    @Test
    void mediaInsideARecordValueBecomesAPartInPlace() {
        // Jackson wrote such a record as {"image": {"payload": {}, ...}}: the image silently vanished
        Prompt p = ChatAdapter.create()
                .format(
                        dev.dspy4j.signature.Signature.of(Describe.class),
                        List.of(),
                        Map.of("photo", new Photo(RED, "a red square"), "more", List.of(new Photo(GREEN, "green"))));
        List<Part> parts = p.messages().get(1).parts();
        assertThat(parts).hasSize(5);
        assertThat(parts.get(0)).isEqualTo(new Part.Text("[[ ## photo ## ]]\n{\"image\": "));
        assertThat(parts.get(1).media()).isSameAs(RED);
        assertThat(parts.get(2))
                .isEqualTo(new Part.Text(", \"caption\": \"a red square\"}\n\n[[ ## more ## ]]\n[{\"image\": "));
        assertThat(parts.get(3).media()).isSameAs(GREEN);
        assertThat(parts.get(4))
                .isEqualTo(new Part.Text(", \"caption\": \"green\"}]\n\n"
                        + "Answer with `[[ ## label ## ]]`, and end with `[[ ## completed ## ]]`."));
        // where only text can go, a record holding media is an error naming the field, not lost
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValueFormat.text(new Photo(RED, "x"), "label"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("field 'label'")
                .hasMessageContaining("Image");
    }

    @Test
    void eachMediaKindBecomesItsOwnPartType() {
        Prompt p = JsonAdapter.create().format(MIX, List.of(), mixInput());
        List<Part> media = p.messages().get(p.messages().size() - 1).parts().stream()
                .filter(x -> !(x instanceof Part.Text))
                .toList();
        assertThat(media).hasSize(6);
        assertThat(media.get(0)).isInstanceOf(Part.ImagePart.class);
        assertThat(((Part.AudioPart) media.get(1)).audio()).isSameAs(CLIP);
        assertThat(((Part.FilePart) media.get(2)).file()).isSameAs(CSV);
        assertThat(((Part.DocumentPart) media.get(3)).document()).isSameAs(PDF);
        assertThat(media.get(4).media()).isSameAs(BLUE);
        assertThat(media.get(5).media()).isSameAs(WHITE);
    }

    @Test
    void mediaFromDemosHistoryAndInputAppearInOrderAsTheSameInstances() {
        Prompt p = ChatAdapter.create().format(MIX, mixDemos(), mixInput());
        List<Media> expected = List.of(
                WHITE, RED, // partial demo
                BLUE, CLIP, CSV, PDF, GREEN, // complete demo
                GREEN, // history turn
                RED, CLIP, CSV, PDF, BLUE, WHITE); // current input
        List<Media> actual = p.media().toList();
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).as("media #%d", i).isSameAs(expected.get(i));
        }
        // media stay in user messages; assistant messages are text
        for (Message m : p.messages()) {
            if (m.role() != Role.USER)
                assertThat(m.isText()).as(m.role().toString()).isTrue();
        }
    }

    @Test
    void formattingReadsNoPayloadBytes() {
        CountingSource source = new CountingSource(TestMedia.png(0x123456));
        Image counted = Image.of(Payload.of(source, MediaType.PNG, Payload.DEFAULT_MAX_BYTES));
        source.read.set(0); // construction sniffed the first bytes; from here on nothing may be read
        List<Example> demos = List.of(
                Example.of("image", counted, "question", "q", "answer", "a"),
                Example.of("image", counted, "answer", "b"));
        Map<String, Object> input = Map.of(
                "history", History.of(Map.of("image", counted, "answer", "c")), "image", counted, "question", "q");
        for (Adapter a : List.of(ChatAdapter.create(), JsonAdapter.create(), XmlAdapter.create())) {
            for (int i = 0; i < 50; i++) {
                Prompt p = a.format(IMAGE_CHAT, demos, input);
                assertThat(p.media().toList())
                        .hasSize(4)
                        .allSatisfy(m -> assertThat(m).isSameAs(counted));
            }
        }
        assertThat(source.read.get()).isZero();
        assertThat(source.opened.get()).isEqualTo(1);
        assertThat(counted.payload().hasDigest()).isFalse();
    }

    /** Bytes in memory that count every byte read and every stream opened. */
    private static final class CountingSource implements PayloadSource {
        final byte[] bytes;
        final AtomicLong read = new AtomicLong();
        final AtomicLong opened = new AtomicLong();

        CountingSource(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            opened.incrementAndGet();
            return new FilterInputStream(new java.io.ByteArrayInputStream(bytes)) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) read.incrementAndGet();
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) read.addAndGet(n);
                    return n;
                }
            };
        }

        @Override
        public String describe() {
            return "counting source";
        }
    }
}
