package dev.dspy4j.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.cache.MemoryCache;
import dev.dspy4j.lm.BadRequestException;
import dev.dspy4j.lm.CallContext;
import dev.dspy4j.lm.openai.OpenAiChat;
import dev.dspy4j.media.Image;
import dev.dspy4j.module.Predict;
import dev.dspy4j.testing.LoopbackChatServer;
import dev.dspy4j.testing.NoiseImage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GenAI spans from a real Predict call against the loopback chat server, read from the SDK's in-memory exporter. */
class GenAiTracingTest {
    @TempDir
    Path dir;

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private OpenTelemetrySdk otel;
    private LoopbackChatServer server;

    @BeforeEach
    void setUp() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .build();
    }

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
        otel.close();
    }

    private static SpanData named(List<SpanData> spans, String prefix) {
        return spans.stream()
                .filter(s -> s.getName().startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no span " + prefix + " in "
                        + spans.stream().map(SpanData::getName).toList()));
    }

    @Test
    void aPredictCallGivesNestedSpansWithGenAiAttributesAndNoPayloadOrText() {
        server = LoopbackChatServer.builder()
                .answer(LoopbackChatServer.chatAnswer("animal", "cat"))
                .start();
        Path png = NoiseImage.writePng(dir, "photo.png", 8, 8, 1);
        Image photo = Image.of(png);
        Predict classify = Predict.of("photo: Image, question -> animal")
                .withParam("temperature", 0.5)
                .withLm(OpenAiChat.builder()
                        .baseUrl(server.baseUrl())
                        .model("gpt-4o-mini")
                        .cache(MemoryCache.create())
                        .build());
        Map<String, Object> in = Map.of("photo", photo, "question", "a very secret question");

        GenAiTracing tracing = GenAiTracing.install(otel);
        try {
            classify.call(in);
            classify.call(in); // a cache hit
        } finally {
            tracing.close();
        }
        classify.call(in); // after close: not traced

        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSize(8);
        SpanData module = named(spans, "module Predict");
        SpanData chat = named(spans, "chat gpt-4o-mini");
        assertThat(module.getParentSpanContext().isValid()).isFalse();
        assertThat(chat.getParentSpanId()).isEqualTo(module.getSpanId());
        assertThat(named(spans, "format ChatAdapter").getParentSpanId()).isEqualTo(module.getSpanId());
        assertThat(named(spans, "parse ChatAdapter").getParentSpanId()).isEqualTo(module.getSpanId());
        assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);

        var a = chat.getAttributes();
        assertThat(a.get(GenAiTracing.OPERATION)).isEqualTo("chat");
        assertThat(a.get(GenAiTracing.PROVIDER)).isEqualTo("openai");
        assertThat(a.get(GenAiTracing.SYSTEM)).isEqualTo("openai");
        assertThat(a.get(GenAiTracing.REQUEST_MODEL)).isEqualTo("gpt-4o-mini");
        assertThat(a.get(GenAiTracing.RESPONSE_MODEL)).isEqualTo("loopback");
        assertThat(a.get(GenAiTracing.TEMPERATURE)).isEqualTo(0.5);
        assertThat(a.get(GenAiTracing.INPUT_TOKENS)).isEqualTo(100L);
        assertThat(a.get(GenAiTracing.OUTPUT_TOKENS)).isEqualTo(10L);
        assertThat(a.get(GenAiTracing.FINISH_REASONS)).containsExactly("stop");
        assertThat(a.get(GenAiTracing.CACHE_HIT)).isFalse();
        // the image: kind, media type, size and digest (computed for the cache key), never its bytes
        assertThat(a.get(GenAiTracing.MEDIA))
                .containsExactly("image image/png " + photo.payload().size() + " B sha256:"
                        + photo.payload().digest().hex());

        SpanData hit = spans.stream()
                .filter(s -> s.getName().startsWith("chat ") && s != chat)
                .findFirst()
                .orElseThrow();
        assertThat(hit.getAttributes().get(GenAiTracing.CACHE_HIT)).isTrue();
        assertThat(hit.getAttributes().get(GenAiTracing.INPUT_TOKENS)).isZero();

        for (SpanData s : spans) {
            s.getAttributes()
                    .forEach((k, v) -> assertThat(String.valueOf(v))
                            .doesNotContain("secret")
                            .doesNotContain("iVBOR"));
        }
    }

    @Test
    void aFailedCallEndsItsSpansWithTheErrorTypeOnly() {
        server = LoopbackChatServer.builder()
                .respond(r -> {
                    throw new IllegalStateException("boom");
                })
                .start();
        Predict qa = Predict.of("question -> answer")
                .withLm(OpenAiChat.builder()
                        .baseUrl(server.baseUrl())
                        .model("m")
                        .cache(null)
                        .maxAttempts(1)
                        .build());
        try (CallContext.Scope s = CallContext.with(new GenAiTracing(otel))) {
            assertThatThrownBy(() -> qa.call(Map.of("question", "q"))).isInstanceOf(dev.dspy4j.lm.LmException.class);
        }
        List<SpanData> spans = exporter.getFinishedSpanItems();
        SpanData chat = named(spans, "chat m");
        assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("error.type")))
                .startsWith("dev.dspy4j.lm.");
        assertThat(named(spans, "module Predict").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(BadRequestException.class).isNotNull();
    }
}
