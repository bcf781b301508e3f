package dev.dspy4j.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dspy4j.lm.Citation;
import dev.dspy4j.lm.Completion;
import dev.dspy4j.lm.LmResponse;
import dev.dspy4j.lm.Usage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseCodecTest {

    @Test
    void roundTripKeepsEveryField() {
        LmResponse r = CacheFixtures.rich();
        LmResponse back = ResponseCodec.decode(ResponseCodec.encode(r));
        assertThat(back).isEqualTo(r);
        assertThat(back.completions().get(0).truncated()).isTrue();
        assertThat(back.completions().get(1).finishReason()).isNull();
        assertThat(back.completions().get(1).toolCalls().get(1).argumentsJson()).isEqualTo("{}");
    }

    @Test
    void refusalsCitationsAndUsageDetailsSurviveTheCache() {
        LmResponse r = new LmResponse(
                java.util.List.of(
                        new Completion("", "stop", java.util.List.of(), "I can't help with that", java.util.List.of()),
                        new Completion(
                                "the limit is 5 MB",
                                "end_turn",
                                java.util.List.of(),
                                null,
                                java.util.List.of(
                                        new Citation(
                                                "char_location",
                                                "up to 5 MB",
                                                0,
                                                "Spec",
                                                null,
                                                120,
                                                145,
                                                "the limit is 5 MB"),
                                        new Citation(
                                                "web_search_result_location",
                                                "5 MB",
                                                -1,
                                                "Docs",
                                                "https://example.com",
                                                -1,
                                                -1,
                                                "x")))),
                new Usage(1210, 300, 1000, 200, 256),
                "claude-x",
                false);

        LmResponse back = ResponseCodec.decode(ResponseCodec.encode(r));

        assertThat(back).isEqualTo(r);
        assertThat(back.completions().get(0).refused()).isTrue();
    }

    @Test
    void hitFlagIsStoredAsGiven() {
        LmResponse hit = CacheFixtures.response("x").asCacheHit();
        assertThat(ResponseCodec.decode(ResponseCodec.encode(hit))).isEqualTo(hit);
    }

    @Test
    void encodingIsCompactVersionedJson() {
        String json = new String(ResponseCodec.encode(CacheFixtures.response("4")), StandardCharsets.UTF_8);
        assertThat(json)
                .isEqualTo("{\"v\":1,\"model\":\"model-x\",\"hit\":false,\"usage\":[12,5],"
                        + "\"completions\":[{\"text\":\"4\",\"finish\":\"stop\"}]}");
    }

    @Test
    void otherVersionIsRejectedWithTheVersion() {
        byte[] v2 = "{\"v\":2,\"usage\":[0,0],\"completions\":[{\"text\":\"a\"}]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ResponseCodec.decode(v2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 2");
    }

    @Test
    void damagedValuesAreRejected() {
        assertThatThrownBy(
                        () -> ResponseCodec.decode("{\"v\":1,\"usage\":[0,0],\"compl".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ResponseCodec.decode(
                        "{\"v\":1,\"usage\":[0,0],\"completions\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("completions");
        assertThatThrownBy(() -> ResponseCodec.decode("{\"v\":1,\"usage\":\"x\",\"completions\":[{\"text\":\"a\"}]}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usage");
    }
}
