package dev.dspy4j.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.http.RetryAfter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffGrowsExponentiallyUpToTheCapWithoutJitter() {
        RetryPolicy p =
                new RetryPolicy(6, Duration.ofMillis(100), Duration.ofMillis(500), 2.0, false, Duration.ofSeconds(60));
        assertThat(p.delayBefore(1, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayBefore(2, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.delayBefore(3, null)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delayBefore(4, null)).isEqualTo(Duration.ofMillis(500));
        assertThat(p.delayBefore(6, null)).as("no retry after the last attempt").isNull();
    }

    @Test
    void jitterStaysWithinTheUpperHalf() {
        RetryPolicy p =
                new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(10), 2.0, true, Duration.ofSeconds(60));
        for (int i = 0; i < 200; i++) {
            assertThat(p.delayBefore(2, null)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
    }

    @Test
    void retryAfterReplacesTheBackoffUnlessItIsTooLong() {
        RetryPolicy p = RetryPolicy.defaults();
        assertThat(p.delayBefore(1, Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.delayBefore(1, Duration.ofMinutes(5))).isNull();
        assertThat(RetryPolicy.none().delayBefore(1, null)).isNull();
    }

    @Test
    void retryableStatuses() {
        assertThat(RetryPolicy.isRetryableStatus(408)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(409)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(429)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(500)).isTrue();
        assertThat(RetryPolicy.isRetryableStatus(529)).isTrue();
        for (int s : new int[] {400, 401, 403, 404, 422})
            assertThat(RetryPolicy.isRetryableStatus(s)).isFalse();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-27T09:00:00Z"), ZoneOffset.UTC);
        assertThat(RetryAfter.parse("2", clock)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryAfter.parse("0.5", clock)).isEqualTo(Duration.ofMillis(500));
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 09:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 08:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
        // the two obsolete HTTP-date forms recipients must also accept (RFC 9110, section 5.6.7)
        assertThat(RetryAfter.parse("Friday, 27-Nov-26 09:01:00 GMT", clock)).isEqualTo(Duration.ofSeconds(60));
        assertThat(RetryAfter.parse("Fri Nov 27 09:00:45 2026", clock)).isEqualTo(Duration.ofSeconds(45));
        assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", clock)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", clock)).isNull();
        assertThat(RetryAfter.parse("-1", clock)).isNull();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> RetryPolicy.attempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofMillis(-1), Duration.ZERO, 2, false, Duration.ZERO))
                .hasMessageContaining("negative");
    }
}
