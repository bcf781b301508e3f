package dev.dspy4j.lm.http;

import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.LmTimeoutException;
import dev.dspy4j.lm.ResponseTooLargeException;
import dev.dspy4j.lm.RetryPolicy;
import dev.dspy4j.lm.TextStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One attempt of an HTTP call: builds the request (endpoint, JSON and encoding headers, the client's
 * extra headers and authentication, the request's own headers, the streamed body), sends it within the
 * client's timeout, and sorts what came back into an {@link Outcome}: a response, a failure that may be
 * retried (with the server's {@code Retry-After}), or an exception thrown at once (a body that could not
 * be written, a response too large or badly encoded, an interrupt).
 */
final class HttpAttempt {
    private final HttpLanguageModel lm;
    private final HttpClient http;
    private final ResponseReader reader;
    /** Why no key was sent, appended to a 401 or 403 message; empty if a key was sent. */
    private final String missingKeyHint;

    HttpAttempt(HttpLanguageModel lm, HttpClient http, ResponseReader reader, String missingKeyHint) {
        this.lm = lm;
        this.http = http;
        this.reader = reader;
        this.missingKeyHint = missingKeyHint;
    }

    /** One attempt's result: a response, or a failure and the wait the server asked for. */
    record Outcome(LmResponse response, LmException failure, Duration retryAfter) {
        static Outcome of(LmException failure) {
            return new Outcome(null, failure, null);
        }
    }

    /** A connection that failed or broke before a whole response arrived (always retryable). */
    static final class ConnectionFailure extends LmException {
        private static final long serialVersionUID = 1L;

        ConnectionFailure(String message, Throwable cause) {
            super(message, 0, null, cause);
        }
    }

    /** Sends attempt number {@code attempt}; {@code stream} is null for a call that does not stream. */
    Outcome send(StreamingBody body, LmRequest request, int attempt, TextStream stream) {
        RetryPolicy retryPolicy = lm.retryPolicy();
        Duration timeout = lm.timeout();
        long maxResponseBytes = lm.maxResponseBytes();
        String attempts = " (attempt " + attempt + " of " + retryPolicy.maxAttempts() + ")";
        long deadline = System.nanoTime() + timeout.toNanos();
        try (StreamingBody.Attempt a = body.attempt()) {
            HttpRequest httpRequest =
                    build(request, stream != null).POST(a.publisher()).build();
            HttpResponse.BodyHandler<?> handler = stream == null
                    ? new LimitedBody(maxResponseBytes)
                    : StreamedAnswer.handler(new LimitedBody(maxResponseBytes));
            CompletableFuture<? extends HttpResponse<?>> future = http.sendAsync(httpRequest, handler);
            HttpResponse<?> response;
            try {
                response = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                return Outcome.of(new LmTimeoutException(
                        lm.where() + ": no complete response within " + timeout + attempts, 0, null, null));
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new LmException(lm.where() + ": interrupted", 0, null, e);
            } catch (ExecutionException e) {
                return failed(e, a, attempts);
            }
            int status = response.statusCode();
            if (status / 100 == 2 && response.body() instanceof InputStream in) {
                StreamedAnswer.Result r =
                        new StreamedAnswer(lm, maxResponseBytes).read(in, lm.streamDecoder(request), stream, deadline);
                if (r.failure() != null) {
                    LmException f = r.failure();
                    return Outcome.of(
                            f instanceof StreamedAnswer.Broken
                                    ? new ConnectionFailure(f.getMessage() + attempts, f.getCause())
                                    : f);
                }
                return new Outcome(reader.parseStreamed(r.assembled(), request, status), null, null);
            }
            if (status / 100 == 2) {
                return new Outcome(reader.parse((byte[]) response.body(), request, status), null, null);
            }
            Duration retryAfter = RetryPolicy.isRetryableStatus(status)
                    ? RetryAfter.from(response.headers(), Clock.systemUTC())
                    : null;
            String givingUp = "";
            if (retryAfter != null
                    && attempt < retryPolicy.maxAttempts()
                    && retryAfter.compareTo(retryPolicy.maxRetryAfter()) > 0) {
                givingUp = "; the server asked to wait " + seconds(retryAfter)
                        + " before retrying (Retry-After), longer than "
                        + "the " + seconds(retryPolicy.maxRetryAfter()) + " this client waits at most "
                        + "(RetryPolicy.maxRetryAfter), so it gives up now";
            }
            LmException failure = reader.errorFor(status, response, attempts, givingUp, missingKeyHint);
            return new Outcome(null, failure, retryAfter);
        }
    }

    /** The request without its body: endpoint, content negotiation, extra headers, authentication, the request's headers. */
    private HttpRequest.Builder build(LmRequest request, boolean streaming) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(streaming ? lm.streamingEndpoint() : lm.endpoint())
                .timeout(lm.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", streaming ? "text/event-stream" : "application/json")
                .header("Accept-Encoding", streaming ? "identity" : LimitedBody.ACCEPT_ENCODING);
        lm.addAuthentication(rb);
        lm.requestHeaders(rb, request);
        return rb;
    }

    /** Sorts a send that failed: the body writer's fault, a response limit, a timeout, a connection failure. */
    private Outcome failed(ExecutionException e, StreamingBody.Attempt a, String attempts) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        Throwable local = a.failure();
        if (local instanceof RuntimeException r) {
            // a payload could not be read, or the codec rejected a value: not a network fault
            throw r;
        }
        if (local != null) {
            throw new LmException(lm.where() + ": writing the request body failed: " + local, 0, null, local);
        }
        LimitedBody.TooLarge tooLarge = causeOf(cause, LimitedBody.TooLarge.class);
        if (tooLarge != null) {
            throw new ResponseTooLargeException(
                    lm.where() + ": " + tooLarge.getMessage()
                            + " (set a higher maxResponseBytes if a response really is that large)",
                    0,
                    lm.maxResponseBytes(),
                    tooLarge);
        }
        LimitedBody.BadEncoding badEncoding = causeOf(cause, LimitedBody.BadEncoding.class);
        if (badEncoding != null) {
            throw new LmException(lm.where() + ": " + lm.redact(badEncoding.getMessage()), 0, null, badEncoding);
        }
        if (cause instanceof HttpTimeoutException) {
            return Outcome.of(new LmTimeoutException(
                    lm.where() + ": no response within " + lm.timeout() + attempts, 0, null, cause));
        }
        if (cause instanceof IOException) {
            String unresolved = unresolvedHost(cause, lm.baseUrl().getHost());
            return Outcome.of(new ConnectionFailure(
                    lm.where() + ": "
                            + (unresolved != null
                                    ? unresolved + attempts
                                    : "connection failed" + attempts + ": " + describe(cause)),
                    cause));
        }
        throw new LmException(lm.where() + ": the request failed: " + describe(cause), 0, null, cause);
    }

    /**
     * {@code cannot resolve host H} when a connection failed because the name did not resolve (the JDK
     * client says {@code ConnectException} with an {@code UnresolvedAddressException} cause), else null.
     */
    static String unresolvedHost(Throwable cause, String host) {
        for (Throwable c = cause; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof java.nio.channels.UnresolvedAddressException
                    || c instanceof java.net.UnknownHostException) {
                return "cannot resolve host " + host;
            }
        }
        return null;
    }

    private String describe(Throwable t) {
        String m = t.getMessage();
        return lm.redact(t.getClass().getSimpleName() + (m == null ? "" : ": " + m));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The first throwable of type {@code type} in the cause chain of {@code t}, or null. */
    private static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
        }
        return null;
    }
}
