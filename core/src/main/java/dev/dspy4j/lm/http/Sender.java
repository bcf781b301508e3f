package dev.dspy4j.lm.http;

import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmException;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.TextStream;
import dev.dspy4j.lm.UnsupportedInputException;
import dev.dspy4j.lm.Usage;
import dev.dspy4j.lm.upload.UploadRegistry;
import dev.dspy4j.lm.upload.Uploads;
import dev.dspy4j.media.Digest;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The way out of one {@link HttpLanguageModel} call: the provider's request check, the upload step
 * (with its one retry when the provider no longer knows an uploaded id: {@link ReferencedUploads}), one
 * exchange per completion where the API has no {@code n}, and the attempts ({@link Retries}, each sent
 * by {@link HttpAttempt} over this client's {@link HttpClient}).
 */
final class Sender {
    private static final ExecutorService BODY_WRITERS = Executors.newCachedThreadPool(new DaemonThreads());

    private final HttpLanguageModel lm;
    private final HttpClient http;
    private final Retries retries;
    private final ReferencedUploads uploads;

    Sender(HttpLanguageModel lm, HttpBuilderBase.Settings b) {
        this.lm = lm;
        UploadRegistry registry = b.uploadRegistry() != null
                ? b.uploadRegistry()
                : !b.uploads()
                        ? null
                        : lm.cache() instanceof UploadRegistry.Source source
                                ? source.uploadRegistry()
                                : Uploads.processRegistry();
        this.uploads = registry == null ? null : new ReferencedUploads(lm, registry);
        // HTTP/1.1 always, also over TLS: request bodies stream from reused buffers (see
        // RecyclingBodyPublisher), which is safe only where the client consumes a buffer before it asks
        // for the next. HTTP/2 slices a buffer into DATA frames and marks it consumed while the frames
        // still wait for the flow-control window, so reusing it would corrupt the body.
        this.http = HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.retries = new Retries(
                lm,
                new HttpAttempt(lm, http, new ResponseReader(lm), b.missingKeyHint()),
                b.bodyExecutor() == null ? BODY_WRITERS : b.bodyExecutor(),
                b.pipeBytes(),
                b.retryListener());
    }

    HttpClient.Version httpVersion() {
        return http.version();
    }

    /** The uploads of this client, or null if uploads are off. */
    ReferencedUploads uploads() {
        return uploads;
    }

    /**
     * Sends {@code request}: one exchange, or one per completion when it asks for {@code n > 1} and the
     * API takes no {@code n} (the first streamed when {@code stream} is non-null, usage summed).
     */
    LmResponse send(LmRequest request, TextStream stream) {
        if (request.n() == 1 || lm.takesN()) return exchange(request, stream);
        LmRequest one = request.withN(1);
        List<Completion> completions = new ArrayList<>(request.n());
        Usage usage = Usage.ZERO;
        String model = null;
        for (int i = 0; i < request.n(); i++) {
            LmResponse r = exchange(one, i == 0 ? stream : null);
            completions.addAll(r.completions());
            usage = usage.plus(r.usage());
            model = r.model();
        }
        return new LmResponse(completions, usage, model, false);
    }

    /** Checks {@code request} as a call does before sending; the provider's refusal is an input error. */
    void check(LmRequest request) {
        try {
            lm.checkRequest(request);
        } catch (IllegalArgumentException e) {
            // the provider's request rules refuse the input before sending: the caller's input error
            throw e instanceof UnsupportedInputException u ? u : new UnsupportedInputException(e.getMessage(), e);
        }
    }

    /** One exchange with retries; {@code stream} null: not streamed. */
    LmResponse exchange(LmRequest request, TextStream stream) {
        check(request);
        if (uploads == null) return retries.run(request, stream);
        Map<Digest, String> used = uploads.prepare(request);
        try {
            return retries.run(request, stream);
        } catch (LmException e) {
            // an upload the provider no longer knows (expired, deleted): upload it again, retry once
            if (!uploads.forgetUnknown(e, used)) throw e;
            uploads.prepare(request);
            return retries.run(request, stream);
        }
    }

    private static final class DaemonThreads implements ThreadFactory {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "dspy4j-body-writer-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
