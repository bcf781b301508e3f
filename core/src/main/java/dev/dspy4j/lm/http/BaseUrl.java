package dev.dspy4j.lm.http;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The check of a builder's base URL ({@code HttpBuilderBase.baseUrl}): an absolute {@code http://}
 * or {@code https://} URL with a host name, e.g. {@code http://127.0.0.1:8766/v1}. Whatever else is
 * given (no scheme, another scheme, white space, no host, a syntax error) is refused with one message
 * saying why and what is accepted, and, for a value that only lacks its scheme
 * ({@code 127.0.0.1:8766/v1}, {@code localhost:8080}), the URL it likely meant.
 */
final class BaseUrl {
    private BaseUrl() {}

    /**
     * {@return the URL, one trailing {@code /} dropped}
     *
     * @param url the value given to {@code baseUrl}, not null
     * @throws IllegalArgumentException naming the value, why it is refused and what is accepted
     */
    static URI check(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI u = null;
        String why;
        if (url.isBlank()) {
            why = "it is empty";
        } else if (url.chars().anyMatch(Character::isWhitespace)) {
            why = "it has white space at index " + indexOfWhitespace(url);
        } else if (!url.contains("://")) {
            why = url.regionMatches(true, 0, "http:", 0, 5) || url.regionMatches(true, 0, "https:", 0, 6)
                    ? "the // after its scheme is missing"
                    : "it does not start with http:// or https://";
        } else {
            try {
                u = new URI(trimmed);
                why = problem(u);
            } catch (URISyntaxException e) {
                why = e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "");
            }
        }
        if (why == null) return u;
        throw new IllegalArgumentException("baseUrl '" + url + "' is not an absolute http:// or https:// URL: "
                + why + "; give one with a host, e.g. http://127.0.0.1:8766/v1 or https://api.openai.com/v1"
                + meant(url));
    }

    /** Why a parsed URL is refused, or null if it is an absolute http(s) URL with a host. */
    private static String problem(URI u) {
        String scheme = u.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
            return "its scheme is " + scheme + ":// (only http:// and https:// are accepted)";
        }
        if (u.getHost() == null) {
            String authority = u.getRawAuthority();
            String hostPort = authority == null ? "" : authority.substring(authority.lastIndexOf('@') + 1);
            return hostPort.isEmpty() || hostPort.startsWith(":")
                    ? "it has no host"
                    : "'" + authority + "' is not a host name (letters, digits, '-' and '.', or an IP address)";
        }
        return null;
    }

    /** The URL a value without a scheme likely meant (http:// on loopback, else https://), or "". */
    private static String meant(String url) {
        if (url.isBlank() || url.contains("://") || url.chars().anyMatch(Character::isWhitespace)) return "";
        for (String scheme : new String[] {"http://", "https://"}) {
            try {
                URI u = new URI(scheme + url);
                if (problem(u) == null && HttpBuilderBase.isLoopback(u.getHost()) == scheme.equals("http://")) {
                    return " (did you mean '" + scheme + url + "'?)";
                }
            } catch (URISyntaxException e) {
                return "";
            }
        }
        return "";
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) return i;
        }
        return -1;
    }
}
