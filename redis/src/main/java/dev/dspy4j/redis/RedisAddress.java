package dev.dspy4j.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where a Redis server is and how to log in, read from {@code redis://[[user]:password@]host[:port][/db]}
 * or {@code rediss://...} (TLS). The port defaults to 6379 and the database to 0. The password is
 * kept out of {@link #toString()} and out of every error message, which show the URI with
 * {@code ***} in its place.
 *
 * @param tls      true for {@code rediss://}
 * @param host     the host name or address (an IPv6 address without brackets)
 * @param port     1 to 65535
 * @param database 0 or more
 * @param user     the ACL user, or null for the default user
 * @param password the password, or null
 */
record RedisAddress(boolean tls, String host, int port, int database, String user, String password) {
    static final int DEFAULT_PORT = 6379;

    RedisAddress {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("the Redis host is empty");
        if (port < 1 || port > 65535)
            throw new IllegalArgumentException("the Redis port must be 1 to 65535, not " + port);
        if (database < 0) throw new IllegalArgumentException("the Redis database must be 0 or more, not " + database);
    }

    /**
     * Reads a Redis URI.
     *
     * @throws IllegalArgumentException naming the part that is wrong and the accepted form (the password masked)
     */
    static RedisAddress parse(String uri) {
        if (uri == null || uri.isBlank()) throw new IllegalArgumentException("the Redis URI is empty; " + FORM);
        String s = uri.trim();
        int colon = s.indexOf("://");
        String scheme = colon < 0 ? "" : s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw bad(
                    s,
                    colon >= 0
                            ? "scheme '" + scheme + "' is not redis or rediss"
                            : s.toLowerCase(Locale.ROOT).matches("rediss?:.*")
                                    ? "'" + s.substring(0, s.indexOf(':') + 1) + "' must be followed by '//'"
                                    : "it has no scheme");
        }
        String rest = s.substring(colon + 3);
        int end = firstOf(rest, "?#");
        if (end >= 0) throw bad(s, "query strings and fragments are not read; give only host, port and database");
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String user = null;
        String password = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String info = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int c = info.indexOf(':');
            String u = decode(c < 0 ? info : info.substring(0, c));
            if (c >= 0) password = decode(info.substring(c + 1));
            else if (!u.isEmpty()) {
                // redis://secret@host: Redis clients read a lone user-info part as the password
                password = u;
                u = "";
            }
            user = u.isEmpty() ? null : u;
            if (password != null && password.isEmpty()) password = null;
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) throw bad(s, "the IPv6 address has no closing ']'");
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) throw bad(s, "'" + after + "' after the IPv6 address is not ':port'");
                portText = after.substring(1);
            }
        } else {
            int c = authority.lastIndexOf(':');
            host = c < 0 ? authority : authority.substring(0, c);
            if (c >= 0) portText = authority.substring(c + 1);
        }
        if (host.isEmpty()) throw bad(s, "it has no host");
        int port = DEFAULT_PORT;
        if (portText != null) {
            port = number(s, "port", portText);
            if (port < 1 || port > 65535) throw bad(s, "port " + port + " is not 1 to 65535");
        }
        int db = 0;
        if (!path.isEmpty()) db = number(s, "database", path);
        return new RedisAddress(scheme.equals("rediss"), host, port, db, user, password);
    }

    /** This address with {@code password} (null: none). */
    RedisAddress withPassword(String newPassword) {
        return new RedisAddress(tls, host, port, database, user, newPassword);
    }

    /** The URI without the password: {@code redis://user:***@host:port/db}. */
    @Override
    public String toString() {
        String login = user == null && password == null
                ? ""
                : (user == null ? "" : user) + (password == null ? "" : ":***") + "@";
        String h = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "rediss" : "redis") + "://" + login + h + ":" + port + (database == 0 ? "" : "/" + database);
    }

    private static final String FORM = "expected redis://[[user]:password@]host[:port][/db] or rediss://... (TLS)";

    private static int number(String uri, String what, String text) {
        try {
            int n = Integer.parseInt(text);
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw bad(uri, what + " '" + text + "' is not a whole number of 0 or more");
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static int firstOf(String s, String chars) {
        int best = -1;
        for (int c = 0; c < chars.length(); c++) {
            int i = s.indexOf(chars.charAt(c));
            if (i >= 0 && (best < 0 || i < best)) best = i;
        }
        return best;
    }

    private static IllegalArgumentException bad(String uri, String why) {
        return new IllegalArgumentException("Redis URI '" + masked(uri) + "': " + why + "; " + FORM);
    }

    /** The URI with everything between "://" and the last '@' of the authority after the first ':' masked. */
    static String masked(String uri) {
        int start = uri.indexOf("://");
        int from = start < 0 ? 0 : start + 3;
        int slash = uri.indexOf('/', from);
        int authEnd = slash < 0 ? uri.length() : slash;
        int at = uri.lastIndexOf('@', authEnd - 1);
        if (at < from) return uri;
        String info = uri.substring(from, at);
        int c = info.indexOf(':');
        String shown = c < 0 ? "***" : info.substring(0, c) + ":***";
        return uri.substring(0, from) + shown + uri.substring(at);
    }
}
