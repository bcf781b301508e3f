package dev.dspy4j.lm.http;

import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.LmTimeoutException;
import dev.dspy4j.lm.RetryPolicy;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.lm.http.HttpAttempt.ConnectionFailure;
import dev.dspy4j.lm.http.HttpAttempt.Outcome;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempts of one call: the body is set up once and replayed per attempt; a failed attempt is
 * retried when it is a connection failure, a timeout or a retryable status, after the wait the
 * {@link RetryPolicy} gives (backoff, or the server's {@code Retry-After} within its limit), and never
 * once streamed text went out (it cannot be taken back). The {@link RetryListener} hears each retry.
 */
final class Retries {
    private static final Logger LOG = LoggerFactory.getLogger(HttpLanguageModel.class);

    private final HttpLanguageModel lm;
    private final HttpAttempt attempt;
    private final Executor bodyExecutor;
    private final int pipeBytes;
    private final RetryListener retryListener;

    Retries(
            HttpLanguageModel lm,
            HttpAttempt attempt,
            Executor bodyExecutor,
            int pipeBytes,
            RetryListener retryListener) {
        this.lm = lm;
        this.attempt = attempt;
        this.bodyExecutor = bodyExecutor;
        this.pipeBytes = pipeBytes;
        this.retryListener = retryListener;
    }

    /** A text stream that remembers whether it passed anything on (then a failure is no longer retried). */
    private static final class Emitting implements TextStream {
        private final TextStream target;
        private volatile boolean emitted;

        Emitting(TextStream target) {
            this.target = target;
        }

        @Override
        public void onText(String delta) {
            emitted = true;
            target.onText(delta);
        }
    }

    /** Sends {@code request} until an attempt succeeds or the policy gives up; {@code textStream} null: no streaming. */
    LmResponse run(LmRequest request, TextStream textStream) {
        Emitting stream = textStream == null ? null : new Emitting(textStream);
        StreamingBody body;
        try {
            body = new StreamingBody(
                    HttpLanguageModel.JSON,
                    stream == null ? b -> lm.writeBody(b, request) : b -> lm.writeStreamingBody(b, request),
                    bodyExecutor,
                    pipeBytes);
        } catch (IOException e) {
            throw new LmException(
                    lm.where() + ": the request body could not be written: " + e.getMessage(), 0, null, e);
        }
        RetryPolicy retryPolicy = lm.retryPolicy();
        try {
            for (int n = 1; ; n++) {
                Outcome outcome = attempt.send(body, request, n, stream);
                if (outcome.response() != null) return outcome.response();
                LmException failure = outcome.failure();
                if (!isRetryable(failure) || (stream != null && stream.emitted)) throw failure;
                Duration delay = retryPolicy.delayBefore(n, outcome.retryAfter());
                if (delay == null) throw failure;
                LOG.debug(
                        "{}: attempt {} of {} failed ({}); retrying in {} ms",
                        lm.where(),
                        n,
                        retryPolicy.maxAttempts(),
                        failure.getMessage(),
                        delay.toMillis());
                if (retryListener != null) retryListener.onRetry(n, failure, delay);
                sleep(delay);
            }
        } finally {
            body.release(); // nothing the HTTP client keeps may hold the request's payloads
        }
    }

    private static boolean isRetryable(LmException e) {
        if (e instanceof ConnectionFailure || e instanceof LmTimeoutException) return true;
        return e.status() != 0 && RetryPolicy.isRetryableStatus(e.status());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LmException("interrupted while waiting to retry", 0, null, e);
        }
    }
}
