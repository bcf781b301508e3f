package dev.dspy4j.testing;

import static dev.dspy4j.testing.ApiReplies.reply;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The live model requests of a {@link LoopbackChatServer} ({@link ModelApi}: chat completions,
 * messages, responses): each is read in one pass and counted, refused with the provider's 404 when it
 * refers to a file the {@link LoopbackFiles} store does not hold, and answered with the responder's
 * text in its API's shape (a 500 when the responder throws). Thread-safe.
 */
final class ModelEndpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<LoopbackChatServer.Received, String> responder;
    private final boolean keepBodies;
    private final LoopbackFiles files;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong totalBytes = new AtomicLong();
    private final AtomicLong lastBytes = new AtomicLong();
    private final AtomicLong maxBytes = new AtomicLong();
    private final List<LoopbackChatServer.Received> received = Collections.synchronizedList(new ArrayList<>());

    ModelEndpoints(Function<LoopbackChatServer.Received, String> responder, boolean keepBodies, LoopbackFiles files) {
        this.responder = responder;
        this.keepBodies = keepBodies;
        this.files = files;
    }

    /** Answers one request to {@code path} (not a files or batches path). */
    void handle(HttpExchange ex, String path) throws IOException {
        ModelRequestBody body = ModelRequestBody.read(ex, keepBodies, files.inUse());
        if (!"POST".equals(ex.getRequestMethod())) {
            reply(ex, 405, "{\"error\":{\"message\":\"use POST\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        ModelApi api = ModelApi.of(path);
        if (api == null) {
            reply(ex, 404, "{\"error\":{\"message\":\"no such endpoint: " + path + "\",\"type\":\"not_found\"}}");
            return;
        }
        long n = body.length();
        LoopbackChatServer.Received rec = new LoopbackChatServer.Received(path, n, body.bytes());
        requests.incrementAndGet();
        totalBytes.addAndGet(n);
        lastBytes.set(n);
        maxBytes.accumulateAndGet(n, Math::max);
        received.add(rec);
        String unknownFile = body.fileIds() == null ? null : files.firstUnknown(body.fileIds());
        if (unknownFile != null) {
            reply(ex, 404, LoopbackFiles.unknownFileError(unknownFile, api == ModelApi.MESSAGES));
            return;
        }
        String text;
        try {
            text = responder.apply(rec);
        } catch (RuntimeException e) {
            reply(
                    ex,
                    500,
                    "{\"error\":{\"message\":" + JSON.writeValueAsString(String.valueOf(e.getMessage()))
                            + ",\"type\":\"server_error\"}}");
            return;
        }
        if (api == ModelApi.RESPONSES && LoopbackResponses.wantsStream(body.head(), body.headLength())) {
            reply(ex, 200, "text/event-stream", LoopbackResponses.events(text));
            return;
        }
        reply(ex, 200, api.body(text));
    }

    int requestCount() {
        return requests.get();
    }

    long totalBodyBytes() {
        return totalBytes.get();
    }

    long lastBodyBytes() {
        return lastBytes.get();
    }

    long maxBodyBytes() {
        return maxBytes.get();
    }

    List<LoopbackChatServer.Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Clears the counters and the received requests. */
    void reset() {
        requests.set(0);
        totalBytes.set(0);
        lastBytes.set(0);
        maxBytes.set(0);
        received.clear();
    }
}
