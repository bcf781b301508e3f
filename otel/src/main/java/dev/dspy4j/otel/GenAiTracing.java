package dev.dspy4j.otel;

import dev.dspy4j.lm.Call;
import dev.dspy4j.lm.CallContext;
import dev.dspy4j.lm.Callback;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LanguageModel;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.media.Media;
import dev.dspy4j.media.Payload;
import dev.dspy4j.prompt.Message;
import dev.dspy4j.prompt.Part;
import dev.dspy4j.prompt.Prompt;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Emits an OpenTelemetry span for every module call, adapter format/parse and LM call, following the
 * GenAI semantic conventions for the LM calls ({@code gen_ai.operation.name} {@code chat},
 * {@code gen_ai.provider.name} and the older {@code gen_ai.system}, {@code gen_ai.request.model},
 * request parameters, {@code gen_ai.response.model}, {@code gen_ai.usage.input_tokens} and
 * {@code output_tokens}, {@code gen_ai.response.finish_reasons}). Spans nest as the calls do, also
 * across {@code Parallel} workers; a top-level call is a child of the OpenTelemetry span current on its
 * thread.
 *
 * <p><b>Never payloads, never text.</b> Prompts, completions and media bytes are not recorded: a span
 * carries only the prompt's shape ({@code dspy4j.prompt.messages}, {@code dspy4j.prompt.text_chars}) and
 * each media part's kind, media type, size and digest ({@code dspy4j.prompt.media}, e.g.
 * {@code image image/png 3145728 B sha256:ab12...}; the digest only if it was computed during the call,
 * for the cache key, so tracing never reads a payload). An error is recorded by its type only
 * ({@code error.type}): messages may quote a completion.
 *
 * <pre>{@code
 * GenAiTracing tracing = GenAiTracing.install(openTelemetry);   // every call in the process
 * ...
 * tracing.close();
 * // or for one run: try (var s = CallContext.with(new GenAiTracing(openTelemetry))) { program.call(in); }
 * }</pre>
 */
public final class GenAiTracing implements Callback, AutoCloseable {
    /** The instrumentation scope name. */
    public static final String SCOPE = "dev.dspy4j";

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    static final AttributeKey<Long> CHOICE_COUNT = AttributeKey.longKey("gen_ai.request.choice.count");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> CACHE_WRITE_TOKENS =
            AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
    static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("dspy4j.cache_hit");
    static final AttributeKey<Long> MESSAGES = AttributeKey.longKey("dspy4j.prompt.messages");
    static final AttributeKey<Long> TEXT_CHARS = AttributeKey.longKey("dspy4j.prompt.text_chars");
    static final AttributeKey<List<String>> MEDIA = AttributeKey.stringArrayKey("dspy4j.prompt.media");
    static final AttributeKey<String> COMPONENT = AttributeKey.stringKey("dspy4j.component");

    private final Tracer tracer;
    private final Map<String, Span> open = new ConcurrentHashMap<>();
    private final Map<String, Prompt> prompts = new ConcurrentHashMap<>();
    private volatile boolean installed;

    /**
     * Tracing with a tracer for scope {@value #SCOPE}; register it with {@link CallContext} (or use
     * {@link #install}).
     *
     * @param openTelemetry where the tracer comes from (the SDK, or {@code GlobalOpenTelemetry.get()}); not null
     */
    public GenAiTracing(OpenTelemetry openTelemetry) {
        this.tracer = Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer(SCOPE);
    }

    /**
     * Starts tracing every call in this process ({@link CallContext#addGlobal}) until {@link #close}.
     *
     * @param openTelemetry where the tracer comes from; not null
     * @return the registered tracing; close it to stop
     */
    public static GenAiTracing install(OpenTelemetry openTelemetry) {
        GenAiTracing t = new GenAiTracing(openTelemetry);
        CallContext.addGlobal(t);
        t.installed = true;
        return t;
    }

    /** Stops tracing if {@link #install} registered it. */
    @Override
    public void close() {
        if (installed) CallContext.removeGlobal(this);
        installed = false;
    }

    // ---- module, format, parse: internal spans ----

    @Override
    public void onModuleStart(Call call, Map<String, ?> inputs) {
        start(call, "module " + call.instance().getClass().getSimpleName(), SpanKind.INTERNAL);
    }

    @Override
    public void onModuleEnd(Call call, Object prediction, Throwable error) {
        end(call, error);
    }

    @Override
    public void onFormatStart(Call call, Map<String, ?> inputs) {
        start(call, "format " + call.instance().getClass().getSimpleName(), SpanKind.INTERNAL);
    }

    @Override
    public void onFormatEnd(Call call, Prompt prompt, Throwable error) {
        end(call, error);
    }

    @Override
    public void onParseStart(Call call, String completion) {
        start(call, "parse " + call.instance().getClass().getSimpleName(), SpanKind.INTERNAL);
    }

    @Override
    public void onParseEnd(Call call, Map<String, Object> outputs, Throwable error) {
        end(call, error);
    }

    // ---- LM calls: GenAI client spans ----

    @Override
    public void onLmStart(Call call, LmRequest request) {
        LanguageModel lm = (LanguageModel) call.instance();
        Span span = start(call, "chat " + lm.model(), SpanKind.CLIENT);
        String provider = provider(lm);
        span.setAttribute(OPERATION, "chat");
        span.setAttribute(PROVIDER, provider);
        span.setAttribute(SYSTEM, provider);
        span.setAttribute(REQUEST_MODEL, lm.model());
        if (request.params().get("temperature") instanceof Number n) span.setAttribute(TEMPERATURE, n.doubleValue());
        if (request.params().get("top_p") instanceof Number n) span.setAttribute(TOP_P, n.doubleValue());
        Object max =
                request.params().getOrDefault("max_tokens", request.params().get("max_completion_tokens"));
        if (max instanceof Number n) span.setAttribute(MAX_TOKENS, n.longValue());
        if (request.n() > 1) span.setAttribute(CHOICE_COUNT, (long) request.n());
        prompts.put(call.id(), request.prompt());
    }

    @Override
    public void onLmEnd(Call call, LmResponse response, Throwable error) {
        Span span = open.get(call.id());
        Prompt prompt = prompts.remove(call.id());
        // described at the end: by then the cache key has computed the digests (tracing never reads a payload)
        if (span != null && prompt != null) describePrompt(span, prompt);
        if (span != null && response != null) {
            if (!response.model().isEmpty()) span.setAttribute(RESPONSE_MODEL, response.model());
            span.setAttribute(INPUT_TOKENS, response.usage().promptTokens());
            span.setAttribute(OUTPUT_TOKENS, response.usage().completionTokens());
            if (response.usage().cachedPromptTokens() > 0)
                span.setAttribute(CACHE_READ_TOKENS, response.usage().cachedPromptTokens());
            if (response.usage().cacheWriteTokens() > 0)
                span.setAttribute(CACHE_WRITE_TOKENS, response.usage().cacheWriteTokens());
            List<String> reasons = new ArrayList<>();
            for (Completion c : response.completions()) reasons.add(c.finishReason() == null ? "" : c.finishReason());
            span.setAttribute(FINISH_REASONS, reasons);
            span.setAttribute(CACHE_HIT, response.cacheHit());
        }
        end(call, error);
    }

    /** The provider name of the GenAI conventions, from the client class: {@code openai}, {@code anthropic}, ... */
    static String provider(LanguageModel lm) {
        String n = lm.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        if (n.startsWith("azure")) return "azure.ai.openai";
        if (n.startsWith("openai")) return "openai";
        if (n.startsWith("anthropic")) return "anthropic";
        if (n.startsWith("gemini")) return "gcp.gemini";
        return "dspy4j." + n;
    }

    /** The prompt's shape and its media parts' kind, type, size and digest; never text or bytes. */
    private static void describePrompt(Span span, Prompt prompt) {
        long chars = 0;
        List<String> media = new ArrayList<>();
        for (Message m : prompt.messages()) {
            for (Part p : m.parts()) {
                if (p instanceof Part.Text t) {
                    chars += t.text().length();
                    continue;
                }
                Media md = p.media();
                Payload pl = md == null ? null : md.payload();
                String kind =
                        md == null ? "media" : md.getClass().getSimpleName().toLowerCase(Locale.ROOT);
                if (pl == null) {
                    media.add(kind + " remote");
                } else {
                    media.add(kind + " " + pl.mediaType() + " " + pl.size() + " B"
                            + (pl.hasDigest() ? " sha256:" + pl.digest().hex() : ""));
                }
            }
        }
        span.setAttribute(MESSAGES, (long) prompt.messages().size());
        span.setAttribute(TEXT_CHARS, chars);
        if (!media.isEmpty()) span.setAttribute(MEDIA, media);
    }

    // ---- spans by call id ----

    private Span start(Call call, String name, SpanKind kind) {
        Span parent = call.parentId() == null ? null : open.get(call.parentId());
        SpanBuilder b = tracer.spanBuilder(name)
                .setSpanKind(kind)
                .setParent(
                        parent == null ? Context.current() : Context.current().with(parent));
        b.setAttribute(COMPONENT, call.kind().name().toLowerCase(Locale.ROOT));
        Span span = b.startSpan();
        open.put(call.id(), span);
        return span;
    }

    private void end(Call call, Throwable error) {
        Span span = open.remove(call.id());
        if (span == null) return;
        if (error != null) {
            span.setAttribute(ERROR_TYPE, error.getClass().getName());
            span.setStatus(StatusCode.ERROR, error.getClass().getSimpleName());
        }
        span.end();
    }
}
