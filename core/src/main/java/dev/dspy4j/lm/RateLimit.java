package dev.dspy4j.lm;

import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import io.github.bucket4j.Bucket;
import java.time.Duration;

/**
 * A client-side limit on requests and tokens per minute, shared by every thread that calls the LMs
 * it is set on (give two LMs the same instance to share one account's limit). A call that would go
 * over waits (blocking its thread, which is cheap on a virtual thread) until the limit allows it, so
 * a long run stays under the provider's limits instead of living on 429 retries. Cache hits are not
 * counted.
 *
 * <p>Each limit is a token bucket (Bucket4j): it refills at {@code perMinute / 60} a second and holds
 * at most {@code burst} (by default one second's worth, at least 1), so a run never sends more than
 * {@code burst + perMinute * t / 60} in any window of {@code t}. Providers enforce their per-minute
 * limits in shorter windows too, which is why the default burst is small.
 *
 * <p><b>Tokens.</b> Before a call, its prompt tokens are estimated (text characters / 4, plus 85 per
 * media part) plus the request's {@code max_tokens} (or {@code max_completion_tokens}) if set, and
 * taken from the token bucket; when the response arrives the difference to the reported usage is
 * taken or given back, so the bucket follows what the provider counted.
 *
 * <pre>{@code
 * RateLimit limit = RateLimit.builder().requestsPerMinute(500).tokensPerMinute(200_000).build();
 * var lm = OpenAiChat.builder().model("gpt-4o-mini").rateLimit(limit).build();
 * }</pre>
 */
public final class RateLimit {
    private final long rpm;
    private final long tpm;
    private final Bucket requests;
    private final Bucket tokens;
    private final long tokenBurst;

    private RateLimit(Builder b) {
        this.rpm = b.rpm;
        this.tpm = b.tpm;
        this.tokenBurst = b.tokenBurst > 0 ? b.tokenBurst : Math.max(1, tpm / 60);
        this.requests = rpm == 0 ? null : bucket(rpm, b.requestBurst > 0 ? b.requestBurst : Math.max(1, rpm / 60));
        this.tokens = tpm == 0 ? null : bucket(tpm, tokenBurst);
    }

    private static Bucket bucket(long perMinute, long burst) {
        return Bucket.builder()
                .addLimit(l -> l.capacity(burst).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build();
    }

    /** {@return a new builder with no limit set} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the requests per minute, 0 for no limit} */
    public long requestsPerMinute() {
        return rpm;
    }

    /** {@return the tokens (prompt + completion) per minute, 0 for no limit} */
    public long tokensPerMinute() {
        return tpm;
    }

    /**
     * Waits until {@code request} may be sent and takes its share of both limits.
     *
     * @param request the request about to be sent (its tokens are estimated as the class comment says)
     * @return the tokens taken, to pass to {@link #settle}
     * @throws LmException if the thread is interrupted while waiting
     */
    public long acquire(LmRequest request) {
        long estimate = tokens == null ? 0 : estimate(request);
        try {
            if (requests != null) requests.asBlocking().consume(1);
            if (tokens != null && estimate > 0) {
                // a request larger than the burst could never fit at once: wait for a full bucket, the rest is debt
                long now = Math.min(estimate, tokenBurst);
                tokens.asBlocking().consume(now);
                if (estimate > now) tokens.consumeIgnoringRateLimits(estimate - now);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LmException("interrupted while waiting for the rate limit", 0, null, e);
        }
        return estimate;
    }

    /**
     * Corrects the token bucket once the provider reported the call's usage: takes what the estimate
     * missed, or gives back what it took too much. Does nothing without a token limit or when the
     * provider reported no tokens.
     *
     * @param taken what {@link #acquire} returned for the call
     * @param usage the usage the provider reported, or null
     */
    public void settle(long taken, Usage usage) {
        if (tokens == null || usage == null) return;
        long actual = usage.totalTokens();
        if (actual == 0) return; // the provider reported nothing: keep the estimate
        long diff = actual - taken;
        if (diff > 0) tokens.consumeIgnoringRateLimits(diff);
        else if (diff < 0) tokens.addTokens(-diff);
    }

    /** A rough token count of a request: text characters / 4, 85 per media part, plus the completion budget. */
    static long estimate(LmRequest request) {
        long chars = 0;
        long media = 0;
        for (Message m : request.prompt().messages()) {
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t) chars += t.text().length();
                else media++;
            }
        }
        long completion = 0;
        Object max =
                request.params().getOrDefault("max_tokens", request.params().get("max_completion_tokens"));
        if (max instanceof Number n) completion = n.longValue();
        return (chars + 3) / 4 + 85 * media + completion;
    }

    @Override
    public String toString() {
        return "RateLimit[rpm=" + (rpm == 0 ? "none" : rpm) + ", tpm=" + (tpm == 0 ? "none" : tpm) + "]";
    }

    /** Builds a {@link RateLimit}; set at least one limit. */
    public static final class Builder {
        private long rpm;
        private long tpm;
        private long requestBurst;
        private long tokenBurst;

        private Builder() {}

        /**
         * Sets the requests per minute.
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder requestsPerMinute(long n) {
            if (n < 1) throw new IllegalArgumentException("requestsPerMinute must be at least 1, not " + n);
            this.rpm = n;
            return this;
        }

        /**
         * Sets the tokens per minute, prompt and completion together.
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder tokensPerMinute(long n) {
            if (n < 1) throw new IllegalArgumentException("tokensPerMinute must be at least 1, not " + n);
            this.tpm = n;
            return this;
        }

        /**
         * Sets how many requests may go at once after a quiet spell (default: one second's worth, at least 1).
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder requestBurst(long n) {
            if (n < 1) throw new IllegalArgumentException("requestBurst must be at least 1, not " + n);
            this.requestBurst = n;
            return this;
        }

        /**
         * Sets how many tokens may go at once after a quiet spell (default: one second's worth, at least 1).
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder tokenBurst(long n) {
            if (n < 1) throw new IllegalArgumentException("tokenBurst must be at least 1, not " + n);
            this.tokenBurst = n;
            return this;
        }

        /**
         * Builds the limit.
         *
         * @return a new limit whose buckets start full
         * @throws IllegalStateException if neither requests nor tokens per minute is set
         */
        public RateLimit build() {
            if (rpm == 0 && tpm == 0) {
                throw new IllegalStateException("a RateLimit needs requestsPerMinute or tokensPerMinute (or both)");
            }
            return new RateLimit(this);
        }
    }
}
