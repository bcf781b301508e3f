package dev.dspy4j.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * A model request's body as {@link LoopbackChatServer} reads it in one pass of 64 KB reads: its size,
 * its first {@value LoopbackResponses#HEAD_BYTES} bytes (where clients put {@code "stream"}), the whole
 * body only when asked, and the file ids it refers to only when asked.
 *
 * @param length     the body's size in bytes
 * @param head       the body's first bytes (at most {@value LoopbackResponses#HEAD_BYTES}; the array may be longer)
 * @param headLength how many bytes of {@code head} hold the body
 * @param bytes      the whole body, or null if not kept
 * @param fileIds    the {@code "file_id"} values in the body, or null if not scanned
 */
@SuppressWarnings("ArrayRecordComponent") // read once off the socket, used in place; never compared
record ModelRequestBody(long length, byte[] head, int headLength, byte[] bytes, List<String> fileIds) {

    /** Reads the exchange's body to its end, keeping it if {@code keep}, scanning ids if {@code scanFileIds}. */
    static ModelRequestBody read(HttpExchange ex, boolean keep, boolean scanFileIds) throws IOException {
        long n = 0;
        ByteArrayOutputStream kept = keep ? new ByteArrayOutputStream() : null;
        FileIdScanner fileIds = scanFileIds ? new FileIdScanner() : null;
        byte[] buf = new byte[64 * 1024];
        byte[] head = new byte[LoopbackResponses.HEAD_BYTES];
        int headLength = 0;
        try (InputStream in = ex.getRequestBody()) {
            int r;
            while ((r = in.read(buf)) > 0) {
                if (headLength < head.length) {
                    int take = Math.min(r, head.length - headLength);
                    System.arraycopy(buf, 0, head, headLength, take);
                    headLength += take;
                }
                n += r;
                if (kept != null) kept.write(buf, 0, r);
                if (fileIds != null) fileIds.feed(buf, 0, r);
            }
        }
        return new ModelRequestBody(
                n,
                head,
                headLength,
                kept == null ? null : kept.toByteArray(),
                fileIds == null ? null : List.copyOf(fileIds.ids()));
    }
}
