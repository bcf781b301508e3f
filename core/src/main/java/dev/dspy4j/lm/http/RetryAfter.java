package dev.dspy4j.lm.http;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads how long a server asks the client to wait: {@code retry-after-ms}, or {@code Retry-After} in seconds or as an HTTP date. */
public final class RetryAfter {
    private RetryAfter() {}

    /** The wait the headers ask for, or null if they ask for none (or say it in a form that cannot be read). */
    public static Duration from(HttpHeaders headers, Clock clock) {
        Duration ms = headers.firstValue("retry-after-ms").map(RetryAfter::millis).orElse(null);
        if (ms != null) return ms;
        return headers.firstValue("retry-after").map(v -> parse(v, clock)).orElse(null);
    }

    /** A {@code Retry-After} value: seconds (decimals allowed) or an HTTP date; null if unreadable. */
    public static Duration parse(String value, Clock clock) {
        String v = value.trim();
        if (v.isEmpty()) return null;
        try {
            double seconds = Double.parseDouble(v);
            if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) return null;
            return Duration.ofNanos((long) (seconds * 1e9));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static Duration millis(String v) {
        try {
            double ms = Double.parseDouble(v.trim());
            return ms < 0 || Double.isNaN(ms) || Double.isInfinite(ms) ? null : Duration.ofNanos((long) (ms * 1e6));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
