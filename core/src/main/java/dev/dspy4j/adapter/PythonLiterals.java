package dev.dspy4j.adapter;

/**
 * Rewrites the parts of a Python literal that no JSON reader accepts into JSON, leaving everything
 * else to the lenient {@link ValueParser#MAPPER} (single quotes, trailing commas, unquoted names,
 * {@code +1}, {@code .5} and escapes such as {@code \'} are Jackson {@code JsonReadFeature}s).
 *
 * <p>Outside string literals only: the tokens {@code None}, {@code True} and {@code False} become
 * {@code null}, {@code true} and {@code false}; underscores between the digits of a number are
 * dropped ({@code 1_000} is {@code 1000}); tuple parentheses become array brackets
 * ({@code (1, 2)} is {@code [1, 2]}). Strings, in either quote, are copied as they are, so
 * {@code 'True'} stays a string. Hand-written because no JSON reader (Jackson included) has an
 * option for these Python tokens, and a full Python-literal parser would be far more than this
 * one linear pass.
 */
public final class PythonLiterals {
    private PythonLiterals() {}

    /**
     * {@code text} with the Python-only tokens outside strings rewritten as JSON; text without them
     * is returned as it is (the same instance). Read the result with a reader that allows single
     * quotes and trailing commas.
     *
     * @param text a JSON or Python literal, or any text (it is not checked here)
     * @return the rewritten text, or {@code text} itself when nothing needed rewriting
     */
    public static String toJson(String text) {
        StringBuilder out = null; // created on the first change, so JSON input costs no copy
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"' || c == '\'') {
                int close = skipString(text, i);
                if (out != null) out.append(text, i, close);
                i = close;
                continue;
            }
            String replacement = null;
            int end = i + 1;
            if (Character.isLetter(c) || c == '_') {
                while (end < n && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) end++;
                switch (text.substring(i, end)) {
                    case "None" -> replacement = "null";
                    case "True" -> replacement = "true";
                    case "False" -> replacement = "false";
                    default -> {}
                }
            } else if (Character.isDigit(c)) {
                while (end < n
                        && (Character.isLetterOrDigit(text.charAt(end))
                                || text.charAt(end) == '_'
                                || text.charAt(end) == '.'
                                || isExponentSign(text, end))) {
                    end++;
                }
                String number = text.substring(i, end);
                if (number.indexOf('_') >= 0
                        && number.matches("[0-9]+(_[0-9]+)*(\\.([0-9]+(_[0-9]+)*)?)?([eE][+-]?[0-9]+(_[0-9]+)*)?")) {
                    replacement = number.replace("_", "");
                }
            } else if (c == '(') {
                replacement = "[";
            } else if (c == ')') {
                replacement = "]";
            }
            if (replacement != null) {
                if (out == null) out = new StringBuilder(n).append(text, 0, i);
                out.append(replacement);
            } else if (out != null) {
                out.append(text, i, end);
            }
            i = end;
        }
        return out == null ? text : out.toString();
    }

    /** True if the character at {@code i} is the sign of a number's exponent ({@code 1e-3}). */
    private static boolean isExponentSign(String text, int i) {
        char c = text.charAt(i);
        return (c == '-' || c == '+')
                && (text.charAt(i - 1) == 'e' || text.charAt(i - 1) == 'E')
                && i + 1 < text.length()
                && Character.isDigit(text.charAt(i + 1));
    }

    /** The index after the string literal that opens at {@code start} (or the end of the text). */
    private static int skipString(String text, int start) {
        char q = text.charAt(start);
        int i = start + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == q) {
                return i + 1;
            } else {
                i++;
            }
        }
        return text.length();
    }
}
