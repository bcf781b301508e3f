package dev.dspy4j.lm.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dspy4j.lm.LmException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a JSONL stream (a batch's results) line by line as it arrives, so results of any size are
 * never held whole; each line is at most a given number of bytes.
 */
public final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {}

    /**
     * Passes each non-blank line of {@code in}, parsed, to {@code line}; closes {@code in}.
     *
     * @param in       the stream, read as UTF-8; closed when done
     * @param what     names the stream in messages, e.g. {@code the results of batch msgbatch_1}
     * @param maxBytes the longest line read
     * @param line     receives each line's JSON, in order
     * @throws LmException for a line that is not JSON or too long, or a broken stream
     */
    public static void forEach(InputStream in, String what, long maxBytes, Consumer<JsonNode> line) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            long lineNo = 0;
            int n;
            while ((n = in.read(chunk)) > 0) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') continue;
                    buf.write(chunk, start, i - start);
                    emit(buf, ++lineNo, what, line);
                    start = i + 1;
                }
                buf.write(chunk, start, n - start);
                if (buf.size() > maxBytes)
                    throw new LmException(what + ": line " + (lineNo + 1) + " is longer than " + maxBytes + " bytes");
            }
            emit(buf, ++lineNo, what, line);
        } catch (IOException e) {
            throw new LmException(what + ": reading failed: " + e.getMessage(), 0, e);
        }
    }

    private static void emit(ByteArrayOutputStream buf, long lineNo, String what, Consumer<JsonNode> line) {
        String s = buf.toString(StandardCharsets.UTF_8).strip();
        buf.reset();
        if (s.isEmpty()) return;
        JsonNode node;
        try {
            node = JSON.readTree(s);
        } catch (IOException e) {
            throw new LmException(what + ": line " + lineNo + " is not JSON: " + e.getMessage(), 0, e);
        }
        line.accept(node);
    }
}
