package dev.dspy4j.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.media.Image;
import dev.dspy4j.media.Payload;
import dev.dspy4j.media.PayloadSource;
import dev.dspy4j.module.Predict;
import dev.dspy4j.signature.Example;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving a program closes every payload stream it opens (a file-backed payload holds a file handle). */
class SavedMediaStreamsTest {

    @TempDir
    Path dir;

    /** Bytes whose streams count how often they are opened and closed. */
    static final class TrackedSource implements PayloadSource {
        final byte[] bytes;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        TrackedSource(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            opened.incrementAndGet();
            return new FilterInputStream(new ByteArrayInputStream(bytes)) {
                private boolean done;

                @Override
                public void close() throws IOException {
                    if (!done) closed.incrementAndGet();
                    done = true;
                    super.close();
                }
            };
        }

        @Override
        public String describe() {
            return "tracked bytes";
        }
    }

    @Test
    void savingInlineClosesThePayloadStreams() throws IOException {
        byte[] png = TestImages.png(6, 4, 7);
        TrackedSource source = new TrackedSource(png);
        Image image = Image.of(Payload.of(source, null));
        Predict p = Predict.of("image: Image, question -> answer")
                .withDemos(List.of(Example.of("image", image, "question", "what?", "answer", "noise")));
        Path file = dir.resolve("inline.json");

        ProgramState.save(p, file, MediaStorage.INLINE);

        assertThat(Files.readString(file))
                .contains("data:image/png;base64," + Base64.getEncoder().encodeToString(png));
        assertThat(source.opened.get()).isGreaterThan(1); // creating the payload sniffed it, saving read it
        assertThat(source.closed.get()).isEqualTo(source.opened.get());
    }

    @Test
    void savingToMediaFilesClosesThePayloadStreams() throws IOException {
        TrackedSource source = new TrackedSource(TestImages.png(6, 4, 8));
        Image image = Image.of(Payload.of(source, null));
        Predict p = Predict.of("image: Image, question -> answer")
                .withDemos(List.of(Example.of("image", image, "question", "what?", "answer", "noise")));

        ProgramState.save(p, dir.resolve("files.json"));

        assertThat(source.opened.get()).isGreaterThan(1);
        assertThat(source.closed.get()).isEqualTo(source.opened.get());
    }
}
