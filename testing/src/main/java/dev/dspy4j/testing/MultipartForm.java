package dev.dspy4j.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict reader of {@code multipart/form-data} bodies (RFC 7578 framing with CRLF), for {@link LoopbackFiles}. */
final class MultipartForm {
    private static final Pattern DISPOSITION_NAME = Pattern.compile("\\bname=\"([^\"]*)\"");
    private static final Pattern DISPOSITION_FILENAME = Pattern.compile("\\bfilename=\"([^\"]*)\"");

    private MultipartForm() {}

    /** A multipart part: its headers and where its content lies in the body. */
    record FormPart(String name, String filename, String contentType, int start, int end, String textValue) {
        int length() {
            return end - start;
        }

        String text() {
            return textValue;
        }

        byte[] bytes(byte[] body) {
            byte[] out = new byte[end - start];
            System.arraycopy(body, start, out, 0, out.length);
            return out;
        }
    }

    /** Parses a multipart/form-data body strictly (RFC 7578 framing with CRLF); throws for a malformed one. */
    static Map<String, FormPart> parse(byte[] body, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        if (indexOf(body, delimiter, 0) != 0)
            throw new IllegalArgumentException("the body does not start with the boundary");
        Map<String, FormPart> parts = new LinkedHashMap<>();
        int pos = delimiter.length;
        while (true) {
            if (pos + 2 <= body.length && body[pos] == '-' && body[pos + 1] == '-') {
                if (pos + 4 != body.length || body[pos + 2] != '\r' || body[pos + 3] != '\n') {
                    throw new IllegalArgumentException("the closing boundary is not followed by exactly CRLF");
                }
                return parts;
            }
            if (pos + 2 > body.length || body[pos] != '\r' || body[pos + 1] != '\n') {
                throw new IllegalArgumentException("a boundary is not followed by CRLF");
            }
            pos += 2;
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), pos);
            if (headersEnd < 0) throw new IllegalArgumentException("a part has no blank line after its headers");
            String headers = new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8);
            String disposition = null;
            String contentType = null;
            for (String line : headers.split("\r\n", -1)) {
                int colon = line.indexOf(':');
                if (colon < 0) throw new IllegalArgumentException("a part header has no colon: " + line);
                String hn = line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
                String hv = line.substring(colon + 1).trim();
                if (hn.equals("content-disposition")) disposition = hv;
                else if (hn.equals("content-type")) contentType = hv;
            }
            if (disposition == null || !disposition.startsWith("form-data")) {
                throw new IllegalArgumentException("a part has no Content-Disposition: form-data header");
            }
            Matcher nm = DISPOSITION_NAME.matcher(disposition);
            if (!nm.find()) throw new IllegalArgumentException("a part's Content-Disposition has no name");
            Matcher fm = DISPOSITION_FILENAME.matcher(disposition);
            String filename = fm.find() ? fm.group(1) : null;
            int start = headersEnd + 4;
            int end = indexOf(body, next, start);
            if (end < 0) throw new IllegalArgumentException("part '" + nm.group(1) + "' is not ended by a boundary");
            String text = filename == null ? new String(body, start, end - start, StandardCharsets.UTF_8) : null;
            parts.put(nm.group(1), new FormPart(nm.group(1), filename, contentType, start, end, text));
            pos = end + next.length;
        }
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
