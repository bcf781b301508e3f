package dev.dspy4j.lm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.media.MediaType;
import dev.dspy4j.media.Payload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The streaming body and its pipe, without HTTP. */
class StreamingBodyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static Payload bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        b[0] = '%';
        b[1] = 'P';
        b[2] = 'D';
        b[3] = 'F';
        b[4] = '-';
        return Payload.wrap(b, MediaType.PDF);
    }

    @Test
    void countedLengthEqualsWrittenLengthForEveryRemainderOfThree() throws Exception {
        for (int n = 1000; n < 1003; n++) {
            Payload p = bytes(n, n);
            StreamingBody body = new StreamingBody(
                    JSON,
                    b -> {
                        b.json().writeStartObject();
                        b.json().writeStringField("a", "é\"\n");
                        b.base64Field("d", "data:application/pdf;base64,", p);
                        b.base64Field("raw", "", p);
                        b.json().writeEndObject();
                    },
                    pool,
                    4096);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            body.writeTo(out);
            assertThat(body.contentLength()).isEqualTo(out.size());
            JsonNode tree = JSON.readTree(out.toByteArray());
            String b64 = Base64.getEncoder().encodeToString(p.readAllBytes());
            assertThat(tree.get("d").asText()).isEqualTo("data:application/pdf;base64," + b64);
            assertThat(tree.get("raw").asText()).isEqualTo(b64);
            assertThat(tree.get("a").asText()).isEqualTo("é\"\n");
        }
    }

    @Test
    void aTextPayloadMakesTheLengthUnknownAndIsEscapedWhileRead() throws Exception {
        Payload text = Payload.wrap("tab\t \"q\" \\ ü".getBytes(StandardCharsets.UTF_8), MediaType.TEXT);
        StreamingBody body = new StreamingBody(
                JSON,
                b -> {
                    b.json().writeStartArray();
                    b.utf8String("head: ", text);
                    b.json().writeEndArray();
                },
                pool,
                4096);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        body.writeTo(out);
        assertThat(body.contentLength()).isEqualTo(-1);
        assertThat(JSON.readTree(out.toByteArray()).get(0).asText()).isEqualTo("head: tab\t \"q\" \\ ü");
    }

    @Test
    void rejectsAPrefixThatWouldBreakTheJson() throws Exception {
        Payload p = bytes(10, 1);
        assertThatThrownBy(() -> new StreamingBody(
                        JSON,
                        b -> {
                            b.json().writeStartArray();
                            b.base64String("data:\"evil", p);
                        },
                        pool,
                        4096))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("printable ASCII");
    }

    @Test
    void pipeCarriesMoreThanItsCapacityInOrder() throws Exception {
        BoundedPipe pipe = new BoundedPipe(1024);
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        Future<?> writer = pool.submit(() -> {
            for (int off = 0; off < data.length; off += 777) {
                pipe.sink.write(data, off, Math.min(777, data.length - off));
            }
            pipe.sink.close();
            return null;
        });
        byte[] got = pipe.source.readAllBytes();
        writer.get(30, TimeUnit.SECONDS);
        assertThat(got).isEqualTo(data);
    }

    @Test
    void abandoningTheReadSideReleasesABlockedWriter() throws Exception {
        BoundedPipe pipe = new BoundedPipe(1024);
        Future<?> writer = pool.submit(() -> {
            pipe.sink.write(new byte[10_000]);
            return null;
        });
        assertThat(pipe.source.read(new byte[100])).isEqualTo(100);
        pipe.source.close();
        assertThatThrownBy(() -> writer.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("stopped reading");
        assertThat(pipe.isAbandoned()).isTrue();
    }

    @Test
    void aWriterFailureReachesTheReader() throws Exception {
        BoundedPipe pipe = new BoundedPipe(1024);
        pipe.sink.write(new byte[10]);
        pipe.fail(new IllegalStateException("payload vanished"));
        InputStream in = pipe.source;
        assertThat(in.read(new byte[100])).isEqualTo(10);
        assertThatThrownBy(() -> in.read(new byte[100]))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("payload vanished");
    }
}
