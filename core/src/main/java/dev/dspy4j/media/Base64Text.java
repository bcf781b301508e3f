package dev.dspy4j.media;

import java.util.Base64;

/**
 * The one base64 decoder of every path that turns text into payload bytes ({@link Payload#ofBase64},
 * {@link Payload#ofDataUri}, and through them {@code Image/Audio.fromDataUri}, the state readers and
 * the CLI's {@code data:} fields).
 *
 * <p>Accepted: the standard alphabet ({@code A-Z a-z 0-9 + /}) or the URL-safe one
 * ({@code A-Z a-z 0-9 - _}, RFC 4648 section 5), not both in one value; padding with {@code =} at the
 * end, or none; line breaks ({@code \r}, {@code \n}) anywhere. Anything else is refused with the
 * first bad character and its index in the given text. The JDK's MIME decoder, used before, skipped
 * every character outside the standard alphabet, so URL-safe text decoded silently into other,
 * shorter bytes.
 *
 * <p>This class only checks the characters and removes line breaks (which the JDK's strict decoders
 * refuse); the JDK's {@link Base64#getDecoder()} or {@link Base64#getUrlDecoder()} does the decoding
 * and the padding rules.
 */
final class Base64Text {
    private Base64Text() {}

    /**
     * Decodes {@code text[from, to)}.
     *
     * @param what names the text in errors, e.g. {@code data URI}
     * @throws PayloadException naming the first character that is not base64 and its index in
     *                          {@code text}, a value that mixes the two alphabets, misplaced padding,
     *                          or a length no base64 text can have
     */
    static byte[] decode(String text, int from, int to, String what) {
        byte[] ascii = new byte[to - from];
        int n = 0;
        int standardAt = -1;
        int urlSafeAt = -1;
        int padAt = -1;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') continue;
            if (padAt >= 0 && c != '=') {
                throw bad(what, text, i, "after the padding '=' at index " + padAt);
            }
            if (c == '=') {
                if (padAt < 0) padAt = i;
            } else if (c == '+' || c == '/') {
                if (urlSafeAt >= 0) {
                    throw bad(what, text, i, "from the standard alphabet, but '" + text.charAt(urlSafeAt)
                            + "' at index " + urlSafeAt + " is from the URL-safe one; use one alphabet");
                }
                if (standardAt < 0) standardAt = i;
            } else if (c == '-' || c == '_') {
                if (standardAt >= 0) {
                    throw bad(what, text, i, "from the URL-safe alphabet, but '" + text.charAt(standardAt)
                            + "' at index " + standardAt + " is from the standard one; use one alphabet");
                }
                if (urlSafeAt < 0) urlSafeAt = i;
            } else if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                throw bad(what, text, i, "not base64");
            }
            ascii[n++] = (byte) c;
        }
        int padding = padAt < 0 ? 0 : countPadding(ascii, n);
        if (padding > 2 || padding > 0 && n % 4 != 0) {
            throw new PayloadException(what + " is not valid base64: " + padding + " padding characters after "
                    + (n - padding) + " base64 characters (padding fills the last group of 4 with at most 2 '=')");
        }
        if ((n - padding) % 4 == 1) {
            throw new PayloadException(what + " is not valid base64: " + (n - padding) + " base64 characters leave one"
                    + " character over after the last full group of 4 (a character is missing or extra)");
        }
        Base64.Decoder decoder = urlSafeAt >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder();
        try {
            return decoder.decode(n == ascii.length ? ascii : java.util.Arrays.copyOf(ascii, n));
        } catch (IllegalArgumentException e) {
            // the checks above leave nothing the JDK refuses; kept as a named error all the same
            throw new PayloadException(what + " is not valid base64: " + e.getMessage(), e);
        }
    }

    private static int countPadding(byte[] ascii, int n) {
        int p = 0;
        while (p < n && ascii[n - 1 - p] == '=') p++;
        return p;
    }

    private static PayloadException bad(String what, String text, int index, String why) {
        char c = text.charAt(index);
        String shown = c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
        return new PayloadException(what + " is not valid base64: character " + shown + " at index " + index
                + " is " + why + " (accepted: A-Z a-z 0-9 with + / or with - _, '=' padding at the end, line breaks)");
    }
}
