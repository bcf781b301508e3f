package dev.dspy4j.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the ids after {@code "file_id":"} in a request body as it streams past, across buffer
 * boundaries (what the codecs write: no spaces).
 */
final class FileIdScanner {
    private static final byte[] KEY = "\"file_id\":\"".getBytes(StandardCharsets.US_ASCII);
    private int matched;
    private ByteArrayOutputStream id;
    private final List<String> ids = new ArrayList<>();

    void feed(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte c = buf[i];
            if (id != null) {
                if (c == '"' || id.size() > 256) {
                    ids.add(id.toString(StandardCharsets.UTF_8));
                    id = null;
                } else {
                    id.write(c);
                }
                continue;
            }
            if (c == KEY[matched]) {
                if (++matched == KEY.length) {
                    matched = 0;
                    id = new ByteArrayOutputStream();
                }
            } else {
                matched = c == KEY[0] ? 1 : 0;
            }
        }
    }

    List<String> ids() {
        return ids;
    }
}
