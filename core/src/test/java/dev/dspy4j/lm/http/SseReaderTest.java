package dev.dspy4j.lm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SSE rules of the HTML standard, bodies read in arbitrary pieces, and the size limit. */
class SseReaderTest {

    /** Delivers {@code bytes} at most {@code chunk} bytes per read, as a network does. */
    private static InputStream chunked(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static List<String> events(String body, int chunk) throws IOException {
        List<String> out = new ArrayList<>();
        new SseReader(chunked(body.getBytes(StandardCharsets.UTF_8), chunk), 1 << 20).read((event, data) -> {
            out.add(event + "=" + data);
            return true;
        });
        return out;
    }

    @Test
    void everyLineEndingCommentsMultiLineDataAndFieldsWithoutSpace() throws IOException {
        String body = "\uFEFF: a comment\r\n"
                + "event: delta\r\ndata: {\"a\":\r\ndata:1}\r\n\r\n" // CRLF, data without space after the colon
                + "data: two\rdata:  lines\r\r" // CR only; a second space is kept
                + "id: 7\nretry: 10\nevent:\ndata: é ü\n\n" // LF only; empty event name is message
                + "data\n\n" // a field without colon: empty data
                + "data: [DONE]\n\n"
                + "data: dropped: no blank line after it";
        List<String> expected =
                List.of("delta={\"a\":\n1}", "message=two\n lines", "message=é ü", "message=", "message=[DONE]");
        for (int chunk : new int[] {1, 2, 3, 5, 7, 64, 8192}) {
            assertThat(events(body, chunk)).as("read %d bytes at a time", chunk).isEqualTo(expected);
        }
    }

    @Test
    void aCrLfSplitBetweenTwoReadsIsOneLineEnd() throws IOException {
        // "\r" ends one read, "\n" starts the next: one line end, not a blank line that would end the event early
        assertThat(events("data: a\r\ndata: b\r\n\r\n", 8)).containsExactly("message=a\nb");
    }

    @Test
    void handlerStopsReading() throws IOException {
        List<String> out = new ArrayList<>();
        new SseReader(chunked("data: 1\n\ndata: 2\n\n".getBytes(StandardCharsets.UTF_8), 3), 1024).read((e, d) -> {
            out.add(d);
            return false;
        });
        assertThat(out).containsExactly("1");
    }

    /** An endless line (no line end ever) fails at the limit, not after buffering the whole body. */
    @Test
    void anEndlessLineFailsAtTheLimitWithoutReadingOn() {
        long limit = 64 * 1024;
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = Math.min(len, 4096);
                java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                served[0] += n;
                if (served[0] > 64L * 1024 * 1024) return -1; // a bound so the unfixed reader ends too
                return n;
            }
        };
        SseReader reader = new SseReader(endless, limit);
        assertThatThrownBy(() -> reader.read((e, d) -> true))
                .isInstanceOf(LimitedBody.TooLarge.class)
                .hasMessageContaining("larger than " + limit + " bytes");
        assertThat(served[0]).isLessThan(limit + 16 * 1024);
    }

    /** The limit counts bytes (UTF-8), not characters. */
    @Test
    void theLimitCountsBytes() {
        String line = "data: " + "é".repeat(700) + "\n\n"; // 1408 bytes, 708 characters
        SseReader reader = new SseReader(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), 1024);
        assertThatThrownBy(() -> reader.read((e, d) -> true)).isInstanceOf(LimitedBody.TooLarge.class);
    }
}
