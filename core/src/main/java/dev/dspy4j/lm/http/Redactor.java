package dev.dspy4j.lm.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps an HTTP client's secrets out of what it shows: the API key, a credential header's value and a
 * base-URL password are replaced by {@code ***} in server-sent text (an echoed body, an error message,
 * a URL in an exception), and URLs are shown without their query string or {@code user:password@}.
 */
final class Redactor {
    /** Secrets this long or longer are redacted wherever they occur. */
    static final int REDACT_ANYWHERE = 8;

    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    /** The secrets of a client: its API key (may be null), a password in its base URL, its credential headers' values. */
    static Redactor of(String apiKey, URI baseUrl, Map<String, String> headers) {
        List<String> all = new ArrayList<>();
        if (apiKey != null) all.add(apiKey);
        String userInfo = baseUrl.getRawUserInfo();
        if (userInfo != null) {
            // a password in the base URL is a credential: redact it wherever a server echoes it
            int colon = userInfo.indexOf(':');
            String password = colon < 0 ? "" : userInfo.substring(colon + 1);
            if (!password.isEmpty()) all.add(password);
        }
        headers.forEach((name, value) -> {
            if (isCredentialHeader(name) && !value.isBlank()) all.add(value.strip());
        });
        return new Redactor(all);
    }

    /**
     * {@code text} with every secret replaced by {@code ***}: a secret of at least
     * {@value #REDACT_ANYWHERE} characters wherever it occurs, a shorter one only where it stands as a
     * whole token (not inside a run of letters, digits, {@code -} or {@code _}).
     */
    String redact(String text) {
        if (text == null) return null;
        String out = text;
        for (String s : secrets) out = s.length() >= REDACT_ANYWHERE ? out.replace(s, "***") : redactToken(out, s);
        return out;
    }

    /** True for header names that carry credentials ({@code Authorization}, {@code api-key}, ...). */
    static boolean isCredentialHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("authorization")
                || n.contains("key")
                || n.contains("token")
                || n.contains("secret")
                || n.contains("cookie");
    }

    /** The URL without its query string and without a {@code user:password@} part (both may hold credentials). */
    static String withoutQuery(URI uri) {
        String s = withoutUserInfo(uri);
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    /** The URL without a {@code user:password@} part; the password is a credential. */
    static String withoutUserInfo(URI uri) {
        String s = uri.toString();
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) return s;
        int at = s.indexOf(userInfo + "@");
        return at < 0 ? s : s.substring(0, at) + s.substring(at + userInfo.length() + 1);
    }

    private static String redactToken(String text, String secret) {
        StringBuilder sb = null;
        int from = 0;
        int i;
        while ((i = text.indexOf(secret, from)) >= 0) {
            int end = i + secret.length();
            boolean whole = (i == 0 || !isTokenChar(text.charAt(i - 1)))
                    && (end == text.length() || !isTokenChar(text.charAt(end)));
            if (whole) {
                if (sb == null) sb = new StringBuilder(text.length());
                sb.append(text, from, i).append("***");
                from = end;
            } else {
                if (sb == null) sb = new StringBuilder(text.length());
                sb.append(text, from, i + 1);
                from = i + 1;
            }
        }
        if (sb == null) return text;
        return sb.append(text, from, text.length()).toString();
    }

    private static boolean isTokenChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == '_';
    }
}
