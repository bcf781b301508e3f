package dev.dspy4j.lm.http;

import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** Reads how long a server asks the client to wait: {@code retry-after-ms}, or {@code Retry-After} in seconds or as an HTTP date. */
public final class RetryAfter {
    private RetryAfter() {}

    /**
     * {@return the wait the headers ask for, or null if they ask for none (or in a form that cannot be
     * read)} {@code retry-after-ms} wins over {@code Retry-After}.
     *
     * @param headers a response's headers
     * @param clock the clock an HTTP date is measured from
     */
    public static Duration from(HttpHeaders headers, Clock clock) {
        Duration ms =
                headers.firstValue("retry-after-ms").map(RetryAfter::millis).orElse(null);
        if (ms != null) return ms;
        return headers.firstValue("retry-after").map(v -> parse(v, clock)).orElse(null);
    }

    /**
     * {@return the wait a {@code Retry-After} value asks for; null if unreadable} A date in the past
     * is a wait of zero.
     *
     * @param value seconds (decimals allowed) or an HTTP date (RFC 9110)
     * @param clock the clock the date is measured from
     */
    public static Duration parse(String value, Clock clock) {
        String v = value.trim();
        if (v.isEmpty()) return null;
        try {
            double seconds = Double.parseDouble(v);
            if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) return null;
            return Duration.ofNanos((long) (seconds * 1e9));
        } catch (NumberFormatException notSeconds) {
            ZonedDateTime at = date(v);
            if (at == null) return null;
            Duration d = Duration.between(clock.instant(), at.toInstant());
            return d.isNegative() ? Duration.ZERO : d;
        }
    }

    /** RFC 850 dates, {@code Sunday, 06-Nov-94 08:49:37 GMT}; a two-digit year 70-99 is 19xx, 00-69 is 20xx. */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US)
            .withZone(ZoneOffset.UTC);
    /** C asctime() dates, {@code Sun Nov  6 08:49:37 1994} (day padded with a space), in GMT. */
    private static final DateTimeFormatter ASCTIME = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .appendPattern("EEE MMM ppd HH:mm:ss yyyy")
            .toFormatter(Locale.US)
            .withZone(ZoneOffset.UTC);

    /**
     * An HTTP date in any of the three forms HTTP recipients must accept (RFC 9110, section 5.6.7):
     * RFC 1123, RFC 850 and asctime; null if it is none of them.
     */
    private static ZonedDateTime date(String v) {
        for (DateTimeFormatter f : new DateTimeFormatter[] {DateTimeFormatter.RFC_1123_DATE_TIME, RFC_850, ASCTIME}) {
            try {
                return ZonedDateTime.parse(v, f);
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            }
        }
        return null;
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
