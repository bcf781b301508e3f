package dev.dspy4j.lm.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmTimeoutException;
import dev.dspy4j.lm.ResponseTooLargeException;
import dev.dspy4j.lm.ServerException;
import dev.dspy4j.lm.TextStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads one streamed answer (server-sent events) of an {@link HttpLanguageModel}: events go to the
 * provider's {@link StreamDecoder}, text to the caller's stream, within the exchange's deadline (the
 * body is closed when it passes) and the response size limit.
 */
final class StreamedAnswer {
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dspy4j-stream-deadline");
        t.setDaemon(true);
        return t;
    });

    private final HttpLanguageModel lm;
    private final long maxBytes;

    StreamedAnswer(HttpLanguageModel lm, long maxBytes) {
        this.lm = lm;
        this.maxBytes = maxBytes;
    }

    /** The answer put back together, or a failure to retry or throw. */
    record Result(ObjectNode assembled, LmException failure) {}

    /** A stream that broke or ended before the answer was complete (retried like a failed connection). */
    static final class Broken extends LmException {
        private static final long serialVersionUID = 1L;

        Broken(String message, Throwable cause) {
            super(message, 0, null, cause);
        }
    }

    /**
     * The body as an input stream for a 2xx {@code text/event-stream} answer; anything else (an error, or
     * a server that ignored {@code "stream": true} and answered with one JSON body) read whole and bounded
     * as {@code whole} reads it.
     */
    static HttpResponse.BodyHandler<Object> handler(LimitedBody whole) {
        return info -> info.statusCode() / 100 == 2 && isEventStream(info.headers())
                ? HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofInputStream(), in -> (Object) in)
                : HttpResponse.BodySubscribers.mapping(whole.apply(info), b -> (Object) b);
    }

    private static boolean isEventStream(java.net.http.HttpHeaders headers) {
        return headers.firstValue("Content-Type")
                .map(v -> v.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream"))
                .orElse(false);
    }

    Result read(InputStream body, StreamDecoder decoder, TextStream text, long deadlineNanos) {
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> alarm = DEADLINES.schedule(
                () -> {
                    late.set(true);
                    try {
                        body.close();
                    } catch (IOException ignored) {
                        // closing is all we can do
                    }
                },
                Math.max(0, deadlineNanos - System.nanoTime()),
                TimeUnit.NANOSECONDS);
        try (InputStream in = body) {
            new SseReader(in, maxBytes).read((event, data) -> {
                decoder.onEvent(event, data, text);
                return !decoder.done();
            });
        } catch (LimitedBody.TooLarge e) {
            throw new ResponseTooLargeException(
                    lm.where() + ": " + e.getMessage()
                            + " (set a higher maxResponseBytes if a response really is that large)",
                    0,
                    maxBytes,
                    e);
        } catch (IOException e) {
            if (late.get()) {
                return new Result(
                        null,
                        new LmTimeoutException(
                                lm.where() + ": the streamed answer was not complete within " + lm.timeout(),
                                0,
                                null,
                                e));
            }
            return new Result(
                    null,
                    new Broken(lm.where() + ": the stream broke: " + lm.redact(String.valueOf(e.getMessage())), e));
        } catch (StreamDecoder.StreamError e) {
            String m = lm.redact(e.getMessage());
            return new Result(
                    null,
                    new ServerException(
                            lm.where() + " sent an error in the stream: " + m
                                    + (e.code() == null ? "" : " [" + lm.redact(e.code()) + "]"),
                            0,
                            m,
                            e));
        } catch (StreamDecoder.Malformed e) {
            throw new LmException(
                    lm.where() + ": unexpected streamed response: " + lm.redact(e.getMessage()), 200, null, null);
        } finally {
            alarm.cancel(false);
        }
        if (late.get()) {
            return new Result(
                    null,
                    new LmTimeoutException(
                            lm.where() + ": the streamed answer was not complete within " + lm.timeout(),
                            0,
                            null,
                            null));
        }
        if (!decoder.done()) {
            return new Result(null, new Broken(lm.where() + ": the stream ended before the answer was complete", null));
        }
        return new Result(decoder.assembled(), null);
    }
}
