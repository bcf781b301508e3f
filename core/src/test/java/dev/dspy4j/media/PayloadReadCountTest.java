package dev.dspy4j.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dspy4j.adapter.Adapter;
import dev.dspy4j.adapter.ChatAdapter;
import dev.dspy4j.adapter.JsonAdapter;
import dev.dspy4j.adapter.XmlAdapter;
import dev.dspy4j.lm.CacheKey;
import dev.dspy4j.lm.LmRequest;
import dev.dspy4j.prompt.Prompt;
import dev.dspy4j.signature.Example;
import dev.dspy4j.signature.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Payload bytes are read only to sniff the type (the first bytes, on creation) and to take the
 * digest (once); formatting a prompt and computing its cache key read none, however often they run.
 */
class PayloadReadCountTest {
    static final int IMAGES = 16;

    final List<CountingSource> sources = new ArrayList<>();
    final List<Image> images = new ArrayList<>();

    @BeforeEach
    void createPayloads() {
        for (int i = 0; i < IMAGES; i++) {
            CountingSource s = CountingSource.png(64 + i, i);
            sources.add(s);
            images.add(Image.of(Payload.of(s, null)));
        }
    }

    long totalRead() {
        return sources.stream().mapToLong(CountingSource::bytesRead).sum();
    }

    int totalOpens() {
        return sources.stream().mapToInt(CountingSource::opens).sum();
    }

    static final Signature SEED = Signature.parse("image: Image -> label: str", "Label the image.");

    /** The seed shape, formatted by {@code adapter}: 15 demos (image in, label out) and one input image. */
    Prompt format(Adapter adapter, List<Image> imgs) {
        List<Example> demos = new ArrayList<>();
        for (int i = 0; i < imgs.size() - 1; i++) {
            demos.add(Example.of("image", imgs.get(i), "label", "label " + i));
        }
        return adapter.format(SEED, demos, Map.of("image", imgs.get(imgs.size() - 1)));
    }

    Prompt format(List<Image> imgs) {
        return format(ChatAdapter.create(), imgs);
    }

    @Test
    void creatingReadsOnlyTheHeadOfEachPayload() {
        for (CountingSource s : sources) {
            assertThat(s.bytesRead()).isEqualTo(MediaSniffer.HEAD_BYTES);
            assertThat(s.opens()).isEqualTo(1);
        }
    }

    @Test
    void digestReadsEachPayloadOnceAndFormattingAndKeyingReadNothing() {
        long afterCreate = totalRead();
        for (Image img : images) {
            img.payload().digest();
            img.payload().digest();
        }
        for (CountingSource s : sources) {
            assertThat(s.bytesRead()).as(s.describe()).isEqualTo(MediaSniffer.HEAD_BYTES + s.length());
            assertThat(s.opens()).as(s.describe()).isEqualTo(2);
        }
        long afterDigest = totalRead();
        int opensAfterDigest = totalOpens();
        assertThat(afterDigest - afterCreate)
                .isEqualTo(sources.stream().mapToLong(CountingSource::length).sum());

        CacheKey first = null;
        for (int run = 0; run < 50; run++) {
            Prompt prompt = format(images);
            LmRequest request = LmRequest.of(prompt, Map.of("temperature", 0.0));
            CacheKey key = CacheKey.of("test-model", request);
            if (first == null) first = key;
            assertThat(key).isEqualTo(first);
            // equality and hashing of prompts (as caches and histories use them) read nothing either
            assertThat(prompt).isEqualTo(format(images)).hasSameHashCodeAs(format(images));
            assertThat(prompt.toString()).doesNotContain("iVBOR"); // no base64 of a PNG
        }
        assertThat(totalRead()).isEqualTo(afterDigest);
        assertThat(totalOpens()).isEqualTo(opensAfterDigest);
    }

    @Test
    void everyAdapterPlacesThePayloadsWithoutReadingThem() {
        images.forEach(i -> i.payload().digest());
        long afterDigest = totalRead();
        for (Adapter adapter : List.of(ChatAdapter.create(), JsonAdapter.create(), XmlAdapter.create())) {
            for (int run = 0; run < 10; run++) {
                Prompt prompt = format(adapter, images);
                assertThat(prompt.media().toList()).as(adapter.toString()).containsExactlyElementsOf(images);
                CacheKey.of("m", LmRequest.of(prompt));
            }
        }
        assertThat(totalRead()).isEqualTo(afterDigest);
    }

    @Test
    void keyingBeforeTheDigestTakesItOnceAndThenReadsNothing() {
        long afterCreate = totalRead();
        Prompt prompt = format(images);
        CacheKey.of("m", LmRequest.of(prompt));
        long payloadBytes = sources.stream().mapToLong(CountingSource::length).sum();
        assertThat(totalRead() - afterCreate).isEqualTo(payloadBytes);
        for (int i = 0; i < 20; i++) {
            CacheKey.of("m", LmRequest.of(format(images)));
        }
        assertThat(totalRead() - afterCreate).isEqualTo(payloadBytes);
    }
}
