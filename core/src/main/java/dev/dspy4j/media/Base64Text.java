package dev.dspy4j.media;

import java.util.Base64;

/**
 * The one base64 decoder of every path that turns text into payload bytes ({@link Payload#ofBase64},
 * {@link Payload#ofDataUri}, and through them {@code Image/Audio.fromDataUri}, the state readers and
 * the CLI's {@code data:} fields; the state reader's chunked decoding of large inline media through
 * {@link Checker}).
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
public final class Base64Text {
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
        Checker checker = new Checker(what);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (checker.accept(c, i)) ascii[n++] = (byte) c;
        }
        checker.finish();
        try {
            return checker.decoder().decode(n == ascii.length ? ascii : java.util.Arrays.copyOf(ascii, n));
        } catch (IllegalArgumentException e) {
            // the checks above leave nothing the JDK refuses; kept as a named error all the same
            throw new PayloadException(what + " is not valid base64: " + e.getMessage(), e);
        }
    }

    /**
     * The rules of this class, one character at a time, for a reader that decodes text it never
     * holds whole (the state file reader decodes large inline media in chunks straight from the
     * JSON parser). Feed every character with its index, decode the kept ones in whole groups of 4
     * with {@link #decoder()} (exact at any point: the two alphabets share every other character,
     * and mixing them is refused), and call {@link #finish()} at the end. Not thread-safe.
     */
    public static final class Checker {
        private final String what;
        private long kept;
        private long standardAt = -1;
        private char standardChar;
        private long urlSafeAt = -1;
        private char urlSafeChar;
        private long padAt = -1;
        private int padding;

        /** @param what names the text in errors, e.g. {@code data URI} */
        public Checker(String what) {
            this.what = what;
        }

        /**
         * Checks the character at {@code index} of the text.
         *
         * @param c the character
         * @param index its index in the whole text, for the error message
         * @return true if it is to be decoded, false for a line break (skipped)
         * @throws PayloadException naming the character and its index if the text cannot be base64
         */
        public boolean accept(char c, long index) {
            if (c == '\r' || c == '\n') return false;
            if (padAt >= 0 && c != '=') {
                throw bad(c, index, "after the padding '=' at index " + padAt);
            }
            if (c == '=') {
                if (padAt < 0) padAt = index;
                padding++;
            } else if (c == '+' || c == '/') {
                if (urlSafeAt >= 0) {
                    throw bad(
                            c,
                            index,
                            "from the standard alphabet, but '" + urlSafeChar + "' at index " + urlSafeAt
                                    + " is from the URL-safe one; use one alphabet");
                }
                if (standardAt < 0) {
                    standardAt = index;
                    standardChar = c;
                }
            } else if (c == '-' || c == '_') {
                if (standardAt >= 0) {
                    throw bad(
                            c,
                            index,
                            "from the URL-safe alphabet, but '" + standardChar + "' at index " + standardAt
                                    + " is from the standard one; use one alphabet");
                }
                if (urlSafeAt < 0) {
                    urlSafeAt = index;
                    urlSafeChar = c;
                }
            } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                throw bad(c, index, "not base64");
            }
            kept++;
            return true;
        }

        /** {@return the JDK decoder for the alphabet seen so far (URL-safe once a {@code -} or {@code _} was seen)} */
        public Base64.Decoder decoder() {
            return urlSafeAt >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder();
        }

        /**
         * Checks the end of the text: at most 2 padding characters, only after a whole number of
         * groups, and no single character over after the last group.
         *
         * @throws PayloadException if the text ends in a way no base64 text can
         */
        public void finish() {
            if (padding > 2 || (padding > 0 && kept % 4 != 0)) {
                throw new PayloadException(
                        what + " is not valid base64: " + padding + " padding characters after " + (kept - padding)
                                + " base64 characters (padding fills the last group of 4 with at most 2 '=')");
            }
            if ((kept - padding) % 4 == 1) {
                throw new PayloadException(what + " is not valid base64: " + (kept - padding) + " base64 characters"
                        + " leave one character over after the last full group of 4 (a character is missing or extra)");
            }
        }

        private PayloadException bad(char c, long index, String why) {
            String shown = c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
            return new PayloadException(
                    what + " is not valid base64: character " + shown + " at index " + index + " is " + why
                            + " (accepted: A-Z a-z 0-9 with + / or with - _, '=' padding at the end, line breaks)");
        }
    }

    /** The parts of a {@code data:} URI's header: the declared media type (null if none) and where the data starts. */
    record DataUri(MediaType declared, int dataStart) {}

    /**
     * Reads the header of {@code data:<type>;base64,<data>}.
     *
     * @throws PayloadException if it is not a data URI, not base64-encoded, or its media type is invalid
     */
    static DataUri dataUri(String uri) {
        int comma = uri.indexOf(',');
        if (!uri.regionMatches(true, 0, "data:", 0, 5) || comma < 0) {
            throw new PayloadException("not a data URI (expected data:<type>;base64,<data>): " + abbreviate(uri));
        }
        String meta = uri.substring(5, comma);
        if (!meta.regionMatches(true, meta.length() - 7, ";base64", 0, 7)) {
            throw new PayloadException(
                    "data URI is not base64-encoded (expected ';base64' before the comma): " + abbreviate(uri));
        }
        String type = meta.substring(0, meta.length() - ";base64".length());
        try {
            return new DataUri(type.isEmpty() ? null : MediaType.of(type), comma + 1);
        } catch (IllegalArgumentException e) {
            throw new PayloadException("data URI has an invalid media type: " + e.getMessage(), e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
