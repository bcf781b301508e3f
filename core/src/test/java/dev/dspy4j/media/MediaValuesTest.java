package dev.dspy4j.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.testing.NoiseImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Audio, File, Document and History. */
class MediaValuesTest {
    @TempDir
    Path dir;

    @Test
    void audioAcceptsWavAndMp3FromPathOrBytes() throws Exception {
        Path wav = Files.write(dir.resolve("a.wav"), TestBytes.wav());
        assertThat(Audio.of(wav).format()).isEqualTo("wav");
        assertThat(Audio.of(wav).payload().describe()).isEqualTo("file " + wav);
        assertThat(Audio.of(TestBytes.mp3()).format()).isEqualTo("mp3");
        assertThat(Audio.of(TestBytes.mp3Frame()).payload().mediaType()).isEqualTo(MediaType.MP3);
    }

    @Test
    void audioTakesEveryRecognisedAudioFormatAndRefusesOtherKindsNamingTheSource() throws Exception {
        Path flac = Files.write(dir.resolve("a.flac"), TestBytes.flac());
        // recognised is not accepted: the provider client decides (see the wire tests)
        assertThat(Audio.of(flac).format()).isEqualTo("flac");
        assertThat(Audio.of(TestBytes.m4a()).format()).isEqualTo("m4a");
        assertThat(Audio.of(TestBytes.adts()).format()).isEqualTo("aac");
        assertThatThrownBy(() -> Audio.of(TestBytes.png()))
                .isInstanceOf(PayloadException.class)
                .hasMessage("in-memory bytes is image/png, not audio (audio inputs have an audio/... type such as"
                        + " audio/wav or audio/mpeg)");
    }

    @Test
    void fileFromPathBytesOrProviderId() throws Exception {
        Path pdf = Files.write(dir.resolve("report.pdf"), TestBytes.pdf());
        File fromPath = File.of(pdf);
        assertThat(fromPath.filename()).isEqualTo("report.pdf");
        assertThat(fromPath.payload().mediaType()).isEqualTo(MediaType.PDF);
        assertThat(fromPath.isReference()).isFalse();

        Path csv = Files.write(dir.resolve("table.CSV"), "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
        assertThat(File.of(csv).payload().mediaType().value()).isEqualTo("text/csv");

        File fromBytes = File.of("hello".getBytes(StandardCharsets.UTF_8), "hello.txt", MediaType.TEXT);
        assertThat(fromBytes.filename()).isEqualTo("hello.txt");
        assertThat(fromBytes.payload().size()).isEqualTo(5);

        File ref = File.ofId("file-abc123");
        assertThat(ref.isReference()).isTrue();
        assertThat(ref.payload()).isNull();
        assertThat(ref.fileId()).isEqualTo("file-abc123");
        assertThat(ref.toString()).isEqualTo("File[id=file-abc123]");
    }

    @Test
    void fileRefusesBadCombinationsAndUnknownContent() throws Exception {
        Payload p = Payload.of(TestBytes.pdf());
        assertThatThrownBy(() -> new File(p, "a.pdf", "file-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a File has either a payload or a provider file id, not both or neither");
        assertThatThrownBy(() -> new File(p, " ", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a File with bytes needs a file name (in-memory bytes)");
        assertThatThrownBy(() -> File.ofId(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a provider file id must not be blank");
        Path blob = Files.write(dir.resolve("blob.dat"), TestBytes.text());
        assertThatThrownBy(() -> File.of(blob))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("file " + blob + " is of an unknown format");
        Path fakeTxt = Files.write(dir.resolve("fake.txt"), TestBytes.png());
        assertThatThrownBy(() -> File.of(fakeTxt))
                .isInstanceOf(PayloadException.class)
                .hasMessage("file " + fakeTxt + " was declared text/plain but its bytes are image/png");
        assertThat(File.of(blob, MediaType.OCTET_STREAM).payload().mediaType()).isEqualTo(MediaType.OCTET_STREAM);
    }

    @Test
    void documentIsTextOrPdfWithTitleContextAndCitations() throws Exception {
        Document text = Document.ofText("The sky is blue.")
                .withTitle("Facts")
                .withContext("from a textbook")
                .withCitations(true);
        assertThat(text.isPdf()).isFalse();
        assertThat(text.payload().mediaType()).isEqualTo(MediaType.TEXT);
        assertThat(text.payload().readAllBytes()).isEqualTo("The sky is blue.".getBytes(StandardCharsets.UTF_8));
        assertThat(text.title()).isEqualTo("Facts");
        assertThat(text.context()).isEqualTo("from a textbook");
        assertThat(text.citations()).isTrue();
        assertThat(text.withCitations(false).payload()).isSameAs(text.payload());

        Path pdf = Files.write(dir.resolve("paper.pdf"), TestBytes.pdf());
        Document fromFile = Document.of(pdf);
        assertThat(fromFile.isPdf()).isTrue();
        assertThat(fromFile.title()).isNull();
        assertThat(fromFile.citations()).isFalse();
        assertThat(Document.ofPdf(TestBytes.pdf()).payload()).isEqualTo(fromFile.payload());

        Path notes = Files.write(dir.resolve("notes.txt"), "notes".getBytes(StandardCharsets.UTF_8));
        assertThat(Document.ofTextFile(notes).payload().mediaType()).isEqualTo(MediaType.TEXT);
    }

    @Test
    void documentRefusesOtherTypes() throws Exception {
        Path png = Files.write(dir.resolve("scan.png"), TestBytes.png());
        assertThatThrownBy(() -> Document.of(png))
                .isInstanceOf(PayloadException.class)
                .hasMessage("file " + png + " was declared application/pdf but its bytes are image/png");
        assertThatThrownBy(() -> Document.of(Payload.of(TestBytes.png())))
                .isInstanceOf(PayloadException.class)
                .hasMessage("in-memory bytes is image/png; documents must be text/plain or application/pdf");
        assertThatThrownBy(() -> Document.ofText(""))
                .isInstanceOf(PayloadException.class)
                .hasMessage("in-memory bytes is empty");
    }

    @Test
    void historyHoldsTurnsWithMediaByReference() {
        Image cat = Image.of(NoiseImage.png(8, 8, 1));
        Map<String, Object> turn = new LinkedHashMap<>();
        turn.put("image", cat);
        turn.put("label", "cat");
        History h = History.empty().with(turn).with(Map.of("image", Image.of(NoiseImage.png(8, 8, 2)), "label", "dog"));

        turn.put("label", "changed later"); // the history copied the map, not the image
        assertThat(h.size()).isEqualTo(2);
        assertThat(h.turns().get(0)).containsExactly(Map.entry("image", cat), Map.entry("label", "cat"));
        assertThat(h.turns().get(0).get("image")).isSameAs(cat);
        assertThat(History.empty().isEmpty()).isTrue();
        assertThat(History.of(Map.of("q", "hi"), Map.of("q", "bye")).turns())
                .extracting(t -> t.get("q"))
                .containsExactly("hi", "bye");
        assertThatThrownBy(() -> h.turns().add(Map.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> h.turns().get(0).put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void historyRefusesEmptyOrNullTurns() {
        assertThatThrownBy(() -> History.empty().with(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("history turn 0 has no field values");
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        assertThatThrownBy(() -> new History(List.of(Map.of("a", 1), nullKey)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("history turn 1 has a null field name");
    }
}
